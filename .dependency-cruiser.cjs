/**
 * The shape of src/ (docs/architecture.md), checked by `npm run lint`:
 *
 *   entry → adapters → use cases → ports → domain,   and util/ beneath them all.
 *
 * No folder imports a folder above it. The domain is pure: it imports no port, no I/O and
 * no framework, so it runs anywhere (the countdown page's script is built from it).
 */
const DOMAIN = '^src/(commands|config/repo-config|deliveries|embed/(?!routes|lookup-cache|page-bundle)|goals|markdown|notices|text|time)';
const PORTS = '^src/(db|github)/';
const USECASES = '^src/usecases/';
const ADAPTERS = '^src/(events|jobs|webhooks)/|^src/http/(?!probot-server)|^src/embed/(routes|lookup-cache|page-bundle)\\.ts$';
/** Reading the settings, assembling the servers (Probot's included) and instrumenting the process is the entry's work. */
const ENTRY = '^src/(main|migrate|smoke|configure|start-database|startup|lifecycle|app|log|log-redact)\\.ts$|^src/config/(env|app-key)\\.ts$|^src/http/probot-server\\.ts$|^src/telemetry/|^src/playground/';
const UTIL = '^src/util/';

const above = (name, from, to) => ({ name, severity: 'error', comment: `${name}: a folder imports only folders beneath it (docs/architecture.md)`, from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    above('domain-is-pure', DOMAIN, [PORTS, USECASES, ADAPTERS, ENTRY].join('|')),
    above('ports-below-use-cases', PORTS, [USECASES, ADAPTERS, ENTRY].join('|')),
    above('use-cases-below-adapters', USECASES, [ADAPTERS, ENTRY].join('|')),
    above('adapters-below-entry', ADAPTERS, ENTRY),
    above('util-beneath-all', UTIL, '^src/(?!util/)'),
    {
      name: 'domain-has-no-io',
      severity: 'error',
      comment: 'The domain is pure: no database, HTTP, files, processes or frameworks (docs/architecture.md).',
      from: { path: DOMAIN },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev'], path: '(^|/)(node:)?(fs|http|https|net|child_process|worker_threads|crypto)$|^(pg|kysely|probot|graphile-worker|pino|@octokit/rest|esbuild)($|/)' },
    },
    { name: 'no-circular', severity: 'error', comment: 'Modules that import each other cannot be read one at a time.', from: { path: '^src/' }, to: { circular: true } },
    { name: 'playground-stays-out', severity: 'error', comment: 'The production build leaves src/playground out (tsconfig.build.json): only the playground imports it.', from: { path: '^src/', pathNot: '^src/playground/' }, to: { path: '^src/playground/' } },
    { name: 'not-to-tests', severity: 'error', comment: 'Shipped code never imports test code.', from: { path: '^src/' }, to: { path: '^test/' } },
    { name: 'every-file-placed', severity: 'error', comment: 'Every module of src/ belongs to a layer (add it to .dependency-cruiser.cjs and docs/architecture.md).', from: { path: '^src/', pathNot: [DOMAIN, PORTS, USECASES, ADAPTERS, ENTRY, UTIL].join('|') }, to: {} },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
  },
};
