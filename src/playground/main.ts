import { applyDotenv } from '../config/env.js';
import { Lifecycle, Reported, ShutdownStarted, runAsProcess } from '../lifecycle.js';
import { playgroundRefusal } from './refuse.js';

/**
 * Entry of `npm run playground`: GitDone for real, on this machine, against a stand-in for
 * GitHub, with a page at /playground that plays an issue thread (docs/playground.md).
 *
 * It refuses first, before anything starts, where it must not run (refuse.ts): with
 * NODE_ENV=production, or where a real GitHub App is configured, `.env` included (read here
 * the way config/env.ts reads it: the environment wins). Then, like main.ts, signal
 * handlers come before the heavy modules, and start.ts runs `npm start`'s own stages.
 */
const dotenv = applyDotenv(process.env, process.cwd());
const refusal = playgroundRefusal(process.env, dotenv.applied);
if (refusal) {
  console.error(refusal);
  process.exit(1);
}

const life = new Lifecycle();
const end = runAsProcess(life, { exitWithParent: process.argv.includes('--exit-with-parent') });

try {
  const { startPlayground } = await import('./start.js');
  await startPlayground(life, { open: !process.argv.includes('--no-open') });
} catch (err) {
  if (!(err instanceof ShutdownStarted)) {
    if (!(err instanceof Reported)) console.error(err); // failed before there was a log
    await end('start-up failed', 1);
  }
}
