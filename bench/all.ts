/**
 * `npm run bench`: every benchmark, one after another, each in its own process and bounded
 * by a timeout, so that one stuck benchmark cannot hang the run. Each prints a Markdown
 * section for bench/RESULTS.md.
 *
 * A benchmark past its time gets SIGTERM first, so that it can stop what it started (servers,
 * an embedded PostgreSQL, scratch databases), and SIGKILL GRACE_MS later if it is still there.
 * SIGINT/SIGTERM to this process are passed on the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const BENCHES: Array<[file: string, timeoutMs: number]> = [
  ['bench/http.ts', 5 * 60_000],
  ['bench/match.ts', 5 * 60_000],
  ['bench/startup.ts', 10 * 60_000],
  ['bench/abuse.ts', 5 * 60_000],
  ['bench/board.ts', 4 * 60_000],
  ['bench/storm.ts', 8 * 60_000],
];
const GRACE_MS = 30_000;

let current: ChildProcess | undefined;
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    stop(current);
  });
}

/** SIGTERM, then SIGKILL if it is still running GRACE_MS later. */
function stop(child: ChildProcess | undefined): void {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), GRACE_MS).unref();
}

function run(file: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop(child);
    }, timeoutMs);
    child.once('error', (err) => resolve(err.message));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      if (timedOut) resolve(`over its ${timeoutMs / 1000} s: stopped`);
      else resolve(code === 0 ? undefined : `exit ${code ?? signal}`);
    });
  });
}

let failed = 0;
for (const [file, timeout] of BENCHES) {
  if (interrupted) break;
  const error = await run(file, timeout);
  if (error) {
    failed++;
    console.error(`${file}: ${error}`);
  }
}
process.exit(failed || interrupted ? 1 : 0);
