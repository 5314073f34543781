import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyDotenv, loadConfig, type EnvVars } from '../../../src/config/env.js';
import { playgroundEnvironment } from '../../../src/playground/environment.js';
import { testPrivateKey } from '../../helpers/keys.js';

/**
 * The playground's settings go through config/env.ts like `npm start`'s: what it puts into
 * the environment must win over a developer's `.env`, and leave their other choices alone.
 */
describe('playgroundEnvironment through loadConfig', () => {
  const settings = { githubHost: '127.0.0.1:4567', appId: 1, privateKey: testPrivateKey(), webhookSecret: 'playground-secret' };

  function configWith(env: EnvVars, dotenv: string) {
    const cwd = mkdtempSync(path.join(tmpdir(), 'gitdone-playground-'));
    writeFileSync(path.join(cwd, '.env'), dotenv);
    // As main.ts and start.ts do: .env first (for the refusal), then the playground's settings.
    const all: EnvVars = { ...env };
    applyDotenv(all, cwd);
    Object.assign(all, playgroundEnvironment(all, settings));
    return loadConfig({ env: all, cwd, stdoutIsTTY: false, needsApp: true });
  }

  test('a developer’s .env cannot point it at their database, smee channel, Redis, trace collector, metrics port or public URL', () => {
    const config = configWith(
      {},
      [
        'DATABASE_URL=postgres://dev@127.0.0.1/gitdone',
        'WEBHOOK_PROXY_URL=https://smee.io/abc',
        'REDIS_URL=redis://127.0.0.1:6379',
        'OTEL_EXPORTER_OTLP_ENDPOINT=http://collector.example:4318',
        'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://collector.example:4318/v1/traces',
        'METRICS_PORT=9464',
        'PUBLIC_URL=https://gitdone.example.com',
        'GHE_HOST=github.example.com',
        'HOST=0.0.0.0',
        'WEBHOOK_SECRET=theirs',
        'PORT=4000',
        'LOG_LEVEL=debug',
      ].join('\n'),
    );
    expect(config).toMatchObject({
      databaseUrl: undefined,
      dataDir: path.join('.data', 'playground'),
      host: '127.0.0.1',
      port: 4000,
      publicUrl: 'http://localhost:4000',
      githubUrl: 'http://127.0.0.1:4567',
      probot: { baseUrl: 'http://127.0.0.1:4567/api/v3', webhookProxyUrl: undefined, redisUrl: undefined },
      log: { level: 'debug' },
      metricsPort: undefined,
      tracing: undefined,
      app: { appId: 1, webhookSecret: 'playground-secret', keySource: 'PRIVATE_KEY' },
    });
  });

  test('its database sits beside the development one, under GITDONE_DATA_DIR when set', () => {
    expect(configWith({ GITDONE_DATA_DIR: '/srv/gitdone-data' }, '').dataDir).toBe('/srv/gitdone-data/playground');
    expect(configWith({}, 'GITDONE_DATA_DIR=/elsewhere').dataDir).toBe('/elsewhere/playground');
  });
});
