import type { EnvVars } from '../config/env.js';

/** The settings that mean a real GitHub App is configured here. */
const REAL_APP = ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH'] as const;

/**
 * Why `npm run playground` must not run with these settings, or undefined when it may.
 *
 * The playground starts GitDone with a made-up App against a stand-in for GitHub, on a
 * database it empties at every start. Where NODE_ENV=production, or where a real App is
 * configured, that is at best a mistake and at worst a deployment's settings mixed with a
 * toy's: so it refuses, and says which setting (and whether it came from `.env`).
 */
export function playgroundRefusal(env: EnvVars, fromDotenv: ReadonlySet<string> = new Set()): string | undefined {
  const label = (k: string) => (fromDotenv.has(k) ? `${k} (from .env)` : k);
  if (env.NODE_ENV === 'production') {
    return (
      `The playground does not run with ${label('NODE_ENV')}=production: it is a demo on this machine, ` +
      'with a stand-in for GitHub and a database it empties at every start. Unset NODE_ENV to try it.'
    );
  }
  const set = REAL_APP.filter((k) => Boolean(env[k]));
  if (set.length > 0) {
    return (
      `The playground does not run where a real GitHub App is configured (${set.map(label).join(', ')} ${set.length > 1 ? 'are' : 'is'} set): ` +
      'it brings its own stand-in App and GitHub, and must not be mistaken for, or mixed with, a real one. ' +
      'Run it in a checkout without these settings, or unset them.'
    );
  }
  return undefined;
}
