import { Lifecycle, Reported, ShutdownStarted, runAsProcess } from './lifecycle.js';

/**
 * Entry (`npm start`, `node dist/src/main.js`). The signal handlers come first, before the
 * heavy modules load, so that a SIGTERM or SIGINT at any moment — start-up included — stops
 * cleanly: nothing starts once shutdown began, and whatever had started is stopped.
 * `--exit-with-parent` (set by `npm start`) also shuts down when npm itself goes away.
 */
const life = new Lifecycle();
const end = runAsProcess(life, { exitWithParent: process.argv.includes('--exit-with-parent') });

try {
  const { startGitDone } = await import('./startup.js');
  await startGitDone(life);
} catch (err) {
  if (!(err instanceof ShutdownStarted)) {
    if (!(err instanceof Reported)) console.error(err); // failed before there was a log
    await end('start-up failed', 1);
  }
}
