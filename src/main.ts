import { Lifecycle, Reported, ShutdownStarted, runAsProcess } from './lifecycle.js';

/**
 * Entry (`npm start`, `node dist/src/main.js`). The signal handlers come first, before the
 * heavy modules load, so that a SIGTERM or SIGINT at any moment — start-up included — stops
 * cleanly: nothing starts once shutdown began, and whatever had started is stopped.
 * `--exit-with-parent` (set by `npm start`) also shuts down when npm itself goes away.
 * Each stage's modules load only when it starts: a wrong setting or an absent database is
 * reported before Probot and the workers are even loaded.
 */
const life = new Lifecycle();
const end = runAsProcess(life, { exitWithParent: process.argv.includes('--exit-with-parent') });

try {
  const { configure } = await import('./configure.js');
  const { config, log } = await configure(life, { needsApp: true });
  // Before the database stage imports pg, and before Probot and the workers load.
  if (config.tracing) await (await import('./telemetry/tracing.js')).startTracing(life, config.tracing, log);
  const { startDatabase } = await import('./start-database.js');
  const { applicationName } = await import('./jobs/reaper.js');
  const database = await startDatabase(life, config, log, { applicationName: applicationName() });
  const { startGitDone } = await import('./startup.js');
  await startGitDone(life, config, log, database);
} catch (err) {
  if (!(err instanceof ShutdownStarted)) {
    if (!(err instanceof Reported)) console.error(err); // failed before there was a log
    await end('start-up failed', 1);
  }
}
