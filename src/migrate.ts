import { Lifecycle, Reported, ShutdownStarted, runAsProcess } from './lifecycle.js';

/**
 * `npm run migrate` (in the container: `node dist/src/migrate.js`): apply pending
 * migrations and exit, for a release step before rollout. Same settings (.env included),
 * same database checks and the same clean stop on a signal as the server.
 */
const life = new Lifecycle();
const end = runAsProcess(life);

try {
  const { migrateOnly } = await import('./startup.js');
  await migrateOnly(life);
  await end('migrations done');
} catch (err) {
  if (!(err instanceof ShutdownStarted)) {
    if (!(err instanceof Reported)) console.error(err); // failed before there was a log
    await end('migrations failed', 1);
  }
}
