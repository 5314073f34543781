/**
 * `npm run bench`: every benchmark, one after another, each in its own process and bounded
 * by a timeout, so that one stuck benchmark cannot hang the run. Each prints a Markdown
 * section for bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';

const BENCHES: Array<[file: string, timeoutMs: number]> = [
  ['bench/http.ts', 5 * 60_000],
  ['bench/match.ts', 2 * 60_000],
  ['bench/abuse.ts', 5 * 60_000],
  ['bench/board.ts', 4 * 60_000],
];

let failed = 0;
for (const [file, timeout] of BENCHES) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit', timeout, killSignal: 'SIGKILL' });
  if (r.status !== 0) {
    failed++;
    console.error(`${file}: ${r.error ? r.error.message : `exit ${r.status ?? r.signal}`}`);
  }
}
process.exit(failed ? 1 : 0);
