import path from 'node:path';
import type { EnvVars } from '../config/env.js';

export interface PlaygroundSettings {
  /** `127.0.0.1:<port>` of the stand-in GitHub. */
  githubHost: string;
  appId: number;
  privateKey: string;
  webhookSecret: string;
}

/** Where the playground's embedded PostgreSQL lives: beside the development one, never in it. */
export function playgroundDataDir(env: EnvVars): string {
  return path.join(env.GITDONE_DATA_DIR || './.data', 'playground');
}

/**
 * What the playground puts into the environment before GitDone reads its settings
 * (config/env.ts), so that `npm start`'s own configuration path yields a playground:
 * the stand-in App and GitHub, the embedded database under its own folder, loopback only.
 *
 * An empty string switches a setting off: config/env.ts reads "" as unset, and `.env`
 * (which fills in only what the environment leaves undefined) can no longer set it. So a
 * developer's `.env` cannot point the playground at their database, smee.io channel,
 * Redis or trace collector. The rest (PORT, LOG_LEVEL, LOG_FORMAT, …) is theirs to choose.
 */
export function playgroundEnvironment(env: EnvVars, s: PlaygroundSettings): Record<string, string> {
  return {
    APP_ID: String(s.appId),
    PRIVATE_KEY: s.privateKey,
    WEBHOOK_SECRET: s.webhookSecret,
    GHE_HOST: s.githubHost,
    GHE_PROTOCOL: 'http',
    DATABASE_URL: '',
    GITDONE_DATA_DIR: playgroundDataDir(env),
    // The page delivers webhooks to whoever loads it: it listens on this machine only.
    HOST: '127.0.0.1',
    PUBLIC_URL: '',
    WEBHOOK_PROXY_URL: '',
    REDIS_URL: '',
    // Its traces and metrics would be mixed into a developer's real ones.
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
    METRICS_PORT: '',
  };
}
