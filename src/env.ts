/** The environment, read and checked once at start (SPEC §7). */
export interface Env {
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string;
  /** Base of links to GitHub pages: https://github.com, or the GHE host. */
  githubUrl: string;
  port: number;
  production: boolean;
  workerConcurrency: number;
  /** How long SIGTERM waits for running jobs before giving up on them. */
  shutdownTimeoutMs: number;
}

export class EnvError extends Error {}

export function readEnv(env: NodeJS.ProcessEnv = process.env): Env {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new EnvError(`PORT must be a port number, got "${env.PORT}"`);
  const production = env.NODE_ENV === 'production';
  const databaseUrl = env.DATABASE_URL || undefined;
  if (production && !databaseUrl) {
    throw new EnvError(
      'DATABASE_URL is required when NODE_ENV=production: the embedded database keeps its data on the ' +
        "container's disk, which the next deploy throws away. Point DATABASE_URL at your PostgreSQL.",
    );
  }
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new EnvError(`PUBLIC_URL must be an absolute URL like https://gitdone.example.com, got "${env.PUBLIC_URL}"`);
  }
  const githubUrl = env.GHE_HOST ? `${env.GHE_PROTOCOL || 'https'}://${env.GHE_HOST}` : 'https://github.com';
  return {
    databaseUrl,
    dataDir: env.GITDONE_DATA_DIR || './.data',
    publicUrl,
    githubUrl,
    port,
    production,
    workerConcurrency: positiveInt(env.GITDONE_WORKER_CONCURRENCY, 4, 'GITDONE_WORKER_CONCURRENCY'),
    shutdownTimeoutMs: positiveInt(env.GITDONE_SHUTDOWN_TIMEOUT_MS, 20_000, 'GITDONE_SHUTDOWN_TIMEOUT_MS'),
  };
}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new EnvError(`${name} must be a positive integer, got "${value}"`);
  return n;
}
