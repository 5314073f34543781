import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Context } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { deliveryTraceIds } from './delivery-trace.js';

type Task = (payload: unknown, helpers: { job: { id: string; attempts: number; task_identifier?: string } }) => unknown;
type RunFn = (options: { taskList?: Record<string, Task> }, ...rest: unknown[]) => unknown;

const VERSIONS = ['>=0.16.0 <1'];

/**
 * A span per graphile-worker job ("job <task>"), the parent of the SQL and GitHub calls the
 * job makes. graphile-worker has no tracing of its own and no per-job hook, so, like any
 * OpenTelemetry instrumentation, this wraps the library: `run` and `runOnce` get a task
 * list whose tasks run inside their span. A job about a webhook delivery (its payload has
 * `deliveryId`) joins that delivery's trace (delivery-trace.ts); others start their own.
 */
export class GraphileWorkerInstrumentation extends InstrumentationBase {
  constructor() {
    super('gitdone-graphile-worker', '1.0.0', {});
  }

  protected init() {
    const traceTask = (name: string, task: Task) => this.traceTask(name, task);
    const wrapRun = (original: RunFn): RunFn =>
      function (this: unknown, options, ...rest) {
        const taskList = options?.taskList;
        if (!taskList) return original.call(this, options, ...rest);
        const traced = Object.fromEntries(Object.entries(taskList).map(([name, task]) => [name, traceTask(name, task)]));
        return original.call(this, { ...options, taskList: traced }, ...rest);
      };
    const runner = new InstrumentationNodeModuleFile(
      'graphile-worker/dist/runner.js',
      VERSIONS,
      (exports: { run: RunFn; runOnce: RunFn }) => {
        this._wrap(exports, 'run', wrapRun);
        this._wrap(exports, 'runOnce', wrapRun);
        return exports;
      },
      (exports: { run: RunFn; runOnce: RunFn }) => {
        this._unwrap(exports, 'run');
        this._unwrap(exports, 'runOnce');
      },
    );
    return [new InstrumentationNodeModuleDefinition('graphile-worker', VERSIONS, undefined, undefined, [runner])];
  }

  private traceTask(name: string, task: Task): Task {
    return (payload, helpers) => {
      const deliveryId = typeof (payload as { deliveryId?: unknown } | null)?.deliveryId === 'string' ? (payload as { deliveryId: string }).deliveryId : undefined;
      return this.tracer.startActiveSpan(
        `job ${name}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'graphile_worker',
            'messaging.operation.type': 'process',
            'messaging.destination.name': name,
            'messaging.message.id': String(helpers.job.id),
            'gitdone.job.attempt': helpers.job.attempts,
            ...(deliveryId ? { 'gitdone.delivery_id': deliveryId } : {}),
          },
        },
        parentOf(deliveryId),
        async (span) => {
          try {
            return await task(payload, helpers);
          } catch (err) {
            span.recordException(err as Error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
            throw err;
          } finally {
            span.end();
          }
        },
      );
    };
  }
}

function parentOf(deliveryId: string | undefined): Context {
  if (!deliveryId) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { ...deliveryTraceIds(deliveryId), traceFlags: TraceFlags.SAMPLED, isRemote: true });
}
