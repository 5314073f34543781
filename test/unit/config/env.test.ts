import { describe, expect, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, applyDotenv, loadConfig, readConfig, readLogSettings, type EnvVars } from '../../../src/config/env.js';
import { testPrivateKey } from '../../helpers/keys.js';

/** A folder with no .env and no .pem: nothing but what the test puts there. */
const emptyDir = () => mkdtempSync(path.join(tmpdir(), 'gitdone-env-'));
const read = (env: EnvVars, o: { tty?: boolean } = {}) => readConfig(env, { cwd: emptyDir(), stdoutIsTTY: o.tty ?? false });
const problems = (env: EnvVars) => {
  try {
    read(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join('\n');
    throw err;
  }
  throw new Error('expected a ConfigError');
};

const APP = { APP_ID: '1', PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET: 's' };
const PROD = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db/gitdone', ...APP };

describe('readConfig', () => {
  test('defaults: development, embedded database, setup mode', () => {
    expect(read({})).toMatchObject({
      production: false,
      databaseUrl: undefined,
      dataDir: './.data',
      publicUrl: 'http://localhost:3000',
      githubUrl: 'https://github.com',
      host: 'localhost',
      port: 3000,
      workerConcurrency: 16,
      shutdownTimeoutMs: 20_000,
      app: undefined,
      probot: { baseUrl: 'https://api.github.com', webhookPath: undefined, webhookProxyUrl: undefined, redisUrl: undefined },
    });
  });

  test('production without DATABASE_URL is refused, saying why', () => {
    expect(problems({ ...PROD, DATABASE_URL: undefined })).toMatch(/DATABASE_URL is required when NODE_ENV=production.*throws away/);
    expect(read(PROD).production).toBe(true);
  });

  test('production needs the app and a webhook secret: no setup page there', () => {
    expect(problems({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db/x' })).toMatch(/APP_ID and PRIVATE_KEY.*required when NODE_ENV=production/);
    expect(problems({ ...PROD, WEBHOOK_SECRET: undefined })).toMatch(/WEBHOOK_SECRET is required/);
  });

  test.each([
    [{ PORT: '8080' }, { publicUrl: 'http://localhost:8080', port: 8080 }],
    [{ PUBLIC_URL: 'https://gitdone.example.com/' }, { publicUrl: 'https://gitdone.example.com' }],
    [{ GHE_HOST: 'ghe.example.com' }, { githubUrl: 'https://ghe.example.com', probot: expect.objectContaining({ baseUrl: 'https://ghe.example.com/api/v3' }) }],
    [{ GHE_HOST: '127.0.0.1:9000', GHE_PROTOCOL: 'http' }, { githubUrl: 'http://127.0.0.1:9000' }],
    [{ GITDONE_DATA_DIR: '/var/lib/gitdone' }, { dataDir: '/var/lib/gitdone' }],
    [{ GITDONE_WORKER_CONCURRENCY: '8' }, { workerConcurrency: 8 }],
    [{ HOST: '0.0.0.0' }, { host: '0.0.0.0' }],
    [{}, { metricsPort: undefined }],
    [{ METRICS_PORT: '9464' }, { metricsPort: 9464 }],
    [{}, { tracing: undefined }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' }, { tracing: expect.objectContaining({ serviceName: 'gitdone' }) }],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://otel:4318/v1/traces', OTEL_SERVICE_NAME: 'gitdone-eu' }, { tracing: expect.objectContaining({ serviceName: 'gitdone-eu' }) }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318', OTEL_SDK_DISABLED: 'true' }, { tracing: undefined }],
    [{ SENTRY_DSN: 'https://k@sentry.example/1' }, { log: expect.objectContaining({ ignoredSentryDsn: true }) }],
    [{ WEBHOOK_PATH: '/hooks', WEBHOOK_PROXY_URL: 'https://smee.io/x', REDIS_URL: 'redis://r:6379' }, { probot: expect.objectContaining({ webhookPath: '/hooks', webhookProxyUrl: 'https://smee.io/x', redisUrl: 'redis://r:6379' }) }],
    [{ DATABASE_URL: 'postgresql://u:p@db:5433/x' }, { databaseUrl: 'postgresql://u:p@db:5433/x' }],
  ])('%j', (env, expected) => {
    expect(read(env)).toMatchObject(expected);
  });

  test.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PORT: '0' }, /PORT/],
    [{ PUBLIC_URL: 'gitdone.example.com' }, /PUBLIC_URL/],
    [{ DATABASE_URL: 'mysql://u:secret@db/x' }, /DATABASE_URL must be a URL like postgres:\/\/.*not mysql:/],
    [{ GHE_PROTOCOL: 'ftp', GHE_HOST: 'x' }, /GHE_PROTOCOL/],
    [{ WEBHOOK_PROXY_URL: 'smee.io/x' }, /WEBHOOK_PROXY_URL/],
    [{ WEBHOOK_PATH: 'hooks' }, /WEBHOOK_PATH/],
    [{ LOG_FORMAT: 'xml' }, /LOG_FORMAT must be json or pretty/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ GITDONE_WORKER_CONCURRENCY: '0' }, /GITDONE_WORKER_CONCURRENCY/],
    [{ METRICS_PORT: 'metrics' }, /METRICS_PORT must be a port number/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'otel:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/],
    [{ METRICS_PORT: '3000' }, /METRICS_PORT must differ from PORT \(3000\)/],
    [{ GITDONE_SHUTDOWN_TIMEOUT_MS: 'soon' }, /GITDONE_SHUTDOWN_TIMEOUT_MS/],
  ])('%j is refused', (env, message) => {
    expect(problems(env)).toMatch(message);
  });

  test('a refused DATABASE_URL is never echoed (it may hold a password)', () => {
    expect(problems({ DATABASE_URL: 'mysql://u:hunter2@db/x' })).not.toContain('hunter2');
  });

  test('every problem is reported at once', () => {
    expect(problems({ PORT: 'x', LOG_FORMAT: 'xml', APP_ID: 'y' }).split('\n')).toHaveLength(4); // PORT, LOG_FORMAT, APP_ID, and no key
  });
});

describe('log format: JSON in production and off a terminal, pretty in a terminal, LOG_FORMAT wins', () => {
  test.each([
    [{}, true, 'pretty'],
    [{}, false, 'json'],
    [{ NODE_ENV: 'production' }, true, 'json'],
    [{ LOG_FORMAT: 'pretty' }, false, 'pretty'],
    [{ LOG_FORMAT: 'json' }, true, 'json'],
    [{ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }, false, 'pretty'],
  ])('%j, terminal %s → %s', (env, tty, format) => {
    expect(readLogSettings(env, tty).settings.format).toBe(format);
  });

  test('a bad LOG_FORMAT or LOG_LEVEL still gives settings to report it with', () => {
    const { settings, problems } = readLogSettings({ LOG_FORMAT: 'xml', LOG_LEVEL: 'loud' }, false);
    expect(settings).toMatchObject({ format: 'json', level: 'info' });
    expect(problems).toHaveLength(2);
  });
});

describe('the GitHub App key, in every form Probot accepts; unusable is an error naming the variable', () => {
  const pem = testPrivateKey();
  test.each([
    ['PEM with real newlines', pem],
    ['PEM with \\n escapes on one line', pem.replace(/\n/g, '\\n')],
    ['base64 of the PEM, one line', Buffer.from(pem).toString('base64')],
  ])('PRIVATE_KEY as %s', (_form, value) => {
    expect(read({ ...APP, PRIVATE_KEY: value }).app).toMatchObject({ appId: 1, keySource: 'PRIVATE_KEY', webhookSecret: 's' });
  });

  test('PRIVATE_KEY_PATH to a file, relative to the working directory', () => {
    const dir = emptyDir();
    writeFileSync(path.join(dir, 'key.pem'), pem);
    const config = readConfig({ ...APP, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: 'key.pem' }, { cwd: dir, stdoutIsTTY: false });
    expect(config.app).toMatchObject({ keySource: 'PRIVATE_KEY_PATH' });
    expect(config.app?.privateKey).toBe(pem);
  });

  test('the one .pem in the working directory, as Probot finds it', () => {
    const dir = emptyDir();
    writeFileSync(path.join(dir, 'gitdone.2026-11-29.private-key.pem'), pem);
    const config = readConfig({ APP_ID: '1', WEBHOOK_SECRET: 's' }, { cwd: dir, stdoutIsTTY: false });
    expect(config.app?.keySource).toBe(path.join(dir, 'gitdone.2026-11-29.private-key.pem'));
  });

  test.each([
    ['not a key', { PRIVATE_KEY: 'not a key' }, /^PRIVATE_KEY is not a private key/],
    ['a PEM whose body is damaged', { PRIVATE_KEY: pem.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!') }, /^PRIVATE_KEY does not hold a usable private key/],
    ['quoted, as docker --env-file passes the setup page\'s line', { PRIVATE_KEY: `"${pem.replace(/\n/g, '\\n')}"` }, /wrapped in quotes.*PRIVATE_KEY_PATH.*base64/],
    ['a missing file', { PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: '/nonexistent/key.pem' }, /^PRIVATE_KEY_PATH points to \/nonexistent\/key\.pem, which does not exist/],
    ['a folder', { PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: '/tmp' }, /^PRIVATE_KEY_PATH points to \/tmp, which is a folder/],
    ['both forms at once', { PRIVATE_KEY_PATH: '/x.pem' }, /both PRIVATE_KEY and PRIVATE_KEY_PATH/],
    ['a key but no APP_ID', { APP_ID: undefined }, /PRIVATE_KEY is set but APP_ID is not/],
    ['APP_ID but no key', { PRIVATE_KEY: undefined }, /APP_ID is set but no private key was found/],
    ['an APP_ID that is not a number', { APP_ID: 'gitdone' }, /APP_ID must be the app's numeric ID/],
  ])('%s', (_what, env, message) => {
    expect(problems({ ...APP, ...env })).toMatch(message);
  });

  test('not an RSA key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(problems({ ...APP, PRIVATE_KEY: ec })).toMatch(/holds a ec key; a GitHub App's private key is RSA/);
  });

  test('setup mode only when nothing of the app is set', () => {
    expect(read({ WEBHOOK_SECRET: 's' }).app).toBeUndefined();
  });
});

describe('.env', () => {
  const withDotenv = (text: string) => {
    const dir = emptyDir();
    writeFileSync(path.join(dir, '.env'), text);
    return dir;
  };

  test('fills in what the environment leaves unset; the environment wins', () => {
    const env: EnvVars = { PUBLIC_URL: 'https://env.example' };
    const dotenv = applyDotenv(env, withDotenv('PUBLIC_URL=https://dotenv.example\nDATABASE_URL=postgres://u@db/x\n# a comment\nLOG_LEVEL="debug"\n'));
    expect(env).toEqual({ PUBLIC_URL: 'https://env.example', DATABASE_URL: 'postgres://u@db/x', LOG_LEVEL: 'debug' });
    expect([...dotenv.applied].sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL']);
  });

  test('reads the key line Probot\'s setup page writes (quoted, \\n escapes) as the PEM', () => {
    const pem = testPrivateKey();
    const env: EnvVars = {};
    applyDotenv(env, withDotenv(`APP_ID=1\nPRIVATE_KEY="${pem.replace(/\n/g, '\\n')}"\nWEBHOOK_SECRET=s\n`));
    expect(env.PRIVATE_KEY).toBe(pem);
  });

  test('NODE_ENV=production in .env without DATABASE_URL is refused, and the message says where it came from', () => {
    const cwd = withDotenv('NODE_ENV=production\n');
    const env: EnvVars = { ...APP };
    expect(() => loadConfig({ env, cwd, stdoutIsTTY: false })).toThrow(/DATABASE_URL is required when NODE_ENV=production \(NODE_ENV=production came from \.env\)/);
  });

  test('a bad value from .env is named as such', () => {
    const cwd = withDotenv('PORT=eighty\n');
    expect(() => loadConfig({ env: {}, cwd, stdoutIsTTY: false })).toThrow(/PORT \(from \.env\) must be a port number/);
  });

  test('no .env: nothing applied; the config says none was read', () => {
    const env: EnvVars = {};
    expect(loadConfig({ env, cwd: emptyDir(), stdoutIsTTY: false }).dotenvFile).toBeUndefined();
    expect(env).toEqual({});
  });

  test('an unreadable .env (a folder, say) is an error, not silently skipped', () => {
    const dir = emptyDir();
    mkdirSync(path.join(dir, '.env'));
    expect(() => loadConfig({ env: {}, cwd: dir, stdoutIsTTY: false })).toThrow(/\.env cannot be read \(EISDIR\)/);
  });
});
