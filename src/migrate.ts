import { Lifecycle, Reported, ShutdownStarted, runAsProcess } from './lifecycle.js';

/**
 * `npm run migrate` (in the container: `node dist/src/migrate.js`): apply pending
 * migrations and exit, for a release step before rollout. Same settings (.env included),
 * same database checks and the same clean stop on a signal as the server.
 */
const life = new Lifecycle();
const end = runAsProcess(life);

try {
  const { configure } = await import('./configure.js');
  const { config, log } = await configure(life, { needsApp: false });
  const { startDatabase } = await import('./start-database.js');
  const database = await startDatabase(life, config, log, { max: 2 });
  const { migrateOnly } = await import('./startup.js');
  await migrateOnly(life, log, database);
  await end('migrations done');
} catch (err) {
  if (!(err instanceof ShutdownStarted)) {
    if (!(err instanceof Reported)) console.error(err); // failed before there was a log
    await end('migrations failed', 1);
  }
}
