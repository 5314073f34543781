import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { ServerProcess } from './server.js';

/**
 * Polls a URL back to back (20 ms apart) from a process of its own, so that the work of the
 * test process (building a 24 MB payload, serving a fake GitHub) does not count as the
 * server's delay; prints the longest wait when stdin closes.
 */
const POLLER = `
let max = 0, running = true;
process.stdin.resume();
process.stdin.on('end', () => { running = false; });
(async () => {
  while (running) {
    const t0 = performance.now();
    try { await (await fetch(process.argv[1], { signal: AbortSignal.timeout(120000) })).text(); } catch {}
    max = Math.max(max, performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  process.stdout.write(String(Math.round(max)));
})();
`;

/** What one abuse cost the server, watched from outside while it happened. */
export interface Cost {
  /** The longest a `/healthz` took to answer (polled back to back, 20 ms apart). */
  maxHealthzMs: number;
  /** Peak resident memory above what the process had just before. */
  rssGrowthMb: number;
  /** The server's own event-loop delay over the window (prom-client's monitorEventLoopDelay). */
  loopP99Ms: number;
  loopMaxMs: number;
  seconds: number;
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function loopDelay(server: ServerProcess, metricsUrl: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(30_000) })).text();
  const read = (name: string) => Number(new RegExp(`^gitdone_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  void server;
  return { p99: read('p99'), max: read('max') };
}

/**
 * Runs `abuse` while polling `/healthz` and sampling the process' RSS; the event-loop delay
 * comes from the server's metrics, whose histogram restarts at every scrape (so the first
 * scrape marks the start of the window).
 */
export async function measure(server: ServerProcess, abuse: () => Promise<void>, metricsUrl = server.metricsUrl): Promise<Cost> {
  await loopDelay(server, metricsUrl);
  const base = rssMb(server.pid);
  let peak = base;
  const poller = spawn(process.execPath, ['-e', POLLER, `${server.url}/healthz`], { stdio: ['pipe', 'pipe', 'inherit'] });
  let polled = '';
  poller.stdout!.on('data', (d) => (polled += d));
  const started = performance.now();
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(server.pid));
    } catch {
      /* exited: the test will say so */
    }
  }, 25);
  try {
    await abuse();
  } finally {
    clearInterval(sampler);
    poller.stdin!.end();
    await once(poller, 'exit');
  }
  const maxHealthzMs = Number(polled);
  const loop = await loopDelay(server, metricsUrl);
  return {
    maxHealthzMs: Math.round(maxHealthzMs),
    rssGrowthMb: Math.round(peak - base),
    loopP99Ms: Math.round(loop.p99),
    loopMaxMs: Math.round(loop.max),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
