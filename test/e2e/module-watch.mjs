// Preloaded (`--import`) into the server process by the tracing tests, never by GitDone
// itself: it reports on stderr every OpenTelemetry (and Sentry) module the process loads, through
// `import` (a resolve hook) or `require` (Module._load), so that a test can show that
// without OTEL_EXPORTER_OTLP_ENDPOINT none is loaded at all.
import Module, { register } from 'node:module';
import { writeSync } from 'node:fs';

const report = (what) => writeSync(2, `[e2e] module loaded: ${what}\n`);

register(
  `data:text/javascript,${encodeURIComponent(`
    import { writeSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      if (/\\/@(opentelemetry|sentry)\\//.test(resolved.url)) writeSync(2, '[e2e] module loaded: ' + resolved.url + '\\n');
      return resolved;
    }`)}`,
);

const load = Module._load;
Module._load = function (request, parent, isMain) {
  const exports = load.call(this, request, parent, isMain);
  if (/@(opentelemetry|sentry)\//.test(request) || /\/@(opentelemetry|sentry)\//.test(parent?.filename ?? '')) report(request);
  return exports;
};
