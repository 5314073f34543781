/**
 * The life of a GitDone process as one object: start-up is a list of steps, each of which
 * may leave behind something to stop; shutdown stops them in reverse. Once shutdown has
 * begun no further step starts, and a step already under way is let finish and then
 * stopped, so that a signal at any moment stops exactly what was started.
 *
 * Deliberately free of other GitDone modules: the entry point builds it first, before the
 * heavy imports, so that a signal during those is already handled.
 */

/** A started step: its result, how to stop it, and what to do if there is no time to stop it. */
export interface Started<T> {
  value: T;
  stop?: () => Promise<void>;
  /** Synchronous last resort when the shutdown times out (kill a child process, say). */
  abandon?: () => void;
}

/** An error already logged where it happened: the entry point only exits with 1. */
export class Reported extends Error {}

/** Thrown by `step` when shutdown has begun: the start-up sequence just ends. */
export class ShutdownStarted extends Error {
  constructor(step: string) {
    super(`shutdown began; "${step}" not started`);
  }
}

interface Log {
  info(obj: object, msg: string): void;
  info(msg: string): void;
  error(obj: object, msg: string): void;
}

interface Part {
  name: string;
  stop?: () => Promise<void>;
  abandon?: () => void;
}

/** What a step can do while it runs. */
export interface StepContext {
  /** Registers a last resort for the timeout while the step is still starting (its child process may already exist). */
  onAbandon(abandon: () => void): void;
}

export class Lifecycle {
  #parts: Part[] = [];
  #inFlight: Promise<unknown> | undefined;
  #shutdown: Promise<number> | undefined;
  #log: Log | undefined;
  #flush: () => Promise<void> = async () => {};
  #timeoutMs = 20_000;

  /** The log (and how to flush it) and the shutdown timeout, once the configuration is read. */
  configure(o: { log: Log; flush?: () => Promise<void>; shutdownTimeoutMs: number }): void {
    this.#log = o.log;
    this.#flush = o.flush ?? this.#flush;
    this.#timeoutMs = o.shutdownTimeoutMs;
  }

  /** Writes out buffered log lines; before process.exit. */
  flushLogs(): Promise<void> {
    return this.#flush().catch(() => {});
  }

  /**
   * Runs one start-up step unless shutdown has begun; what it started is stopped on
   * shutdown. Throws ShutdownStarted when shutdown began before or during the step.
   */
  async step<T>(name: string, start: (ctx: StepContext) => Promise<Started<T>>): Promise<T> {
    if (this.#shutdown) throw new ShutdownStarted(name);
    // Registered before it starts, so that a timeout can abandon it even mid-start.
    const part: Part = { name };
    this.#parts.push(part);
    const run = start({ onAbandon: (abandon) => void (part.abandon = abandon) }).then(
      (started) => {
        part.stop = started.stop;
        part.abandon = started.abandon ?? part.abandon;
        return started.value;
      },
      (err: unknown) => {
        this.#parts.splice(this.#parts.indexOf(part), 1); // a failed step cleans up after itself
        throw err;
      },
    );
    this.#inFlight = run.catch(() => {});
    const value = await run;
    if (this.#shutdown) throw new ShutdownStarted(name);
    return value;
  }

  /**
   * Stops everything started, newest first, after letting a step under way finish. The
   * same promise for every caller; resolves with the exit code: `exitCode` (0 for a
   * signal, 1 for a failed start-up) unless a part failed to stop or time ran out.
   */
  shutdown(reason: string, exitCode = 0): Promise<number> {
    this.#shutdown ??= this.#stopAll(reason, exitCode);
    return this.#shutdown;
  }

  async #stopAll(reason: string, exitCode: number): Promise<number> {
    if (this.#parts.length === 0) return exitCode; // nothing was started
    this.#log?.info({ reason }, 'shutting down: nothing new starts; stopping what started, newest first');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#timeoutMs);
    });
    const stopped = (async () => {
      await this.#inFlight;
      let code = exitCode;
      // Newest first; a part leaves the list only once stopped, so that a timeout abandons it.
      for (let part = this.#parts.at(-1); part; part = this.#parts.at(-1)) {
        try {
          await part.stop?.();
        } catch (err) {
          this.#log?.error({ err, part: part.name }, `could not stop ${part.name}`);
          code = 1;
        }
        this.#parts.pop();
      }
      return code;
    })();
    const result = await Promise.race([stopped, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.#log?.error({ left: this.#parts.map((p) => p.name) }, 'shutdown took too long; exiting with work unfinished (jobs will be retried)');
      for (const part of [...this.#parts].reverse()) part.abandon?.();
      return 1;
    }
    this.#log?.info('stopped');
    return result;
  }
}

/**
 * The process around a lifecycle, for the entry points: SIGTERM, SIGINT and SIGHUP start
 * the shutdown, and so does losing the parent process when `exitWithParent` is set (npm
 * start: see package.json); the shutdown's end ends the process with its exit code.
 * Returns `end`, for the entry point's own reasons (start-up failed, work done).
 */
export function runAsProcess(life: Lifecycle, o: { exitWithParent?: boolean } = {}): (reason: string, exitCode?: number) => Promise<void> {
  const end = async (reason: string, exitCode = 0) => {
    const code = await life.shutdown(reason, exitCode);
    await life.flushLogs();
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void end(signal));
  if (o.exitWithParent) {
    // npm forwards SIGTERM only to its own child, so a SIGKILLed (or bypassed) npm would
    // leave GitDone running with nobody to stop it: notice the parent is gone instead.
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && void end('parent process exited'), 500).unref();
  }
  return end;
}
