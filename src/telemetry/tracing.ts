import { createRequire } from 'node:module';
import { trace, TraceFlags, type Context, type TextMapGetter, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { Logger } from 'pino';
import type { Lifecycle } from '../lifecycle.js';
import { setLogMixin } from '../log.js';
import { deliveryTraceIds, redactTokens } from './delivery-trace.js';
import { GraphileWorkerInstrumentation } from './graphile-worker-instrumentation.js';

/**
 * OpenTelemetry traces, exported over OTLP/HTTP (JSON) to OTEL_EXPORTER_OTLP_ENDPOINT.
 * Loaded only when that is set (main.ts imports this module lazily): unset, not one
 * OpenTelemetry module is loaded and nothing changes.
 *
 * Started in the configure stage, before the database stage imports pg and before Probot
 * and the workers load. The instrumentations patch prototypes (http's Server, pg's Client
 * and Pool) and graphile-worker's runner, so requiring those modules here, right after
 * enabling them, patches the very objects the ESM imports get later: no loader hook needed.
 *
 * A webhook's trace is its delivery's (delivery-trace.ts): the request, its SQL, the job
 * that acts on it later and that job's GitHub calls share one trace id. Log lines carry the
 * active span's trace_id and span_id.
 */
export async function startTracing(life: Lifecycle, o: { serviceName: string; version: string }, log: Logger): Promise<void> {
  await life.step('tracing', async () => {
    const resource = resourceFromAttributes({ 'service.name': o.serviceName, 'service.version': o.version }).merge(detectResources({ detectors: [envDetector] }));
    // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT (adding /v1/traces) and the other OTEL_EXPORTER_OTLP_* settings itself.
    const provider = new NodeTracerProvider({ resource, spanProcessors: [new RedactingProcessor(new BatchSpanProcessor(new OTLPTraceExporter()))] });
    provider.register({ propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new DeliveryPropagator()] }) });
    const disable = registerInstrumentations({
      tracerProvider: provider,
      instrumentations: [
        new HttpInstrumentation({
          // Probes every few seconds are noise; an outgoing request's span comes from undici (fetch).
          ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|ping)(\?|$)/.test(req.url ?? ''),
        }),
        new PgInstrumentation({ requireParentSpan: true }),
        new UndiciInstrumentation(),
        new GraphileWorkerInstrumentation(),
      ],
    });
    const require = createRequire(import.meta.url);
    for (const name of ['http', 'https', 'pg']) require(name);
    setLogMixin(() => {
      const span = trace.getActiveSpan()?.spanContext();
      return span ? { trace_id: span.traceId, span_id: span.spanId } : {};
    });
    log.info({ endpoint: process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT }, 'tracing: spans go to the OTLP endpoint');
    return {
      value: undefined,
      // Last to stop (first started): the spans of the shutdown itself are sent too.
      stop: async () => {
        setLogMixin(undefined);
        disable();
        await provider.shutdown().catch((err: unknown) => log.warn({ err }, 'tracing: could not send the last spans'));
      },
    };
  });
}

/**
 * GitHub sends no trace context, but every delivery has an id: a request carrying
 * X-GitHub-Delivery continues that delivery's trace (so does GitHub's redelivery of it),
 * whatever traceparent a proxy added. Nothing is injected: outgoing requests carry W3C's.
 */
class DeliveryPropagator implements TextMapPropagator {
  inject(): void {}
  fields(): string[] {
    return [];
  }
  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const raw = getter.get(carrier, 'x-github-delivery');
    const id = Array.isArray(raw) ? raw[0] : raw;
    if (!id || !/^[A-Za-z0-9-]{1,100}$/.test(id)) return context;
    return trace.setSpanContext(context, { ...deliveryTraceIds(id), traceFlags: TraceFlags.SAMPLED, isRemote: true });
  }
}

/** Takes embed and board tokens out of span names and string attributes (URLs) before export. */
class RedactingProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}
  onStart(span: Span, context: Context): void {
    this.next.onStart(span, context);
  }
  onEnd(span: ReadableSpan): void {
    const writable = span as { name: string; attributes: Record<string, unknown> };
    writable.name = redactTokens(span.name);
    for (const [key, value] of Object.entries(span.attributes)) {
      if (typeof value === 'string' && /\/(embed|board)\//.test(value)) writable.attributes[key] = redactTokens(value);
    }
    this.next.onEnd(span);
  }
  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
