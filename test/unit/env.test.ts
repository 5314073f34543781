import { describe, expect, test } from '@jest/globals';
import { EnvError, readEnv } from '../../src/env.js';

describe('readEnv', () => {
  test('defaults', () => {
    expect(readEnv({})).toMatchObject({
      databaseUrl: undefined,
      dataDir: './.data',
      publicUrl: 'http://localhost:3000',
      githubUrl: 'https://github.com',
      port: 3000,
      production: false,
    });
  });

  test('production without DATABASE_URL is refused, saying why', () => {
    expect(() => readEnv({ NODE_ENV: 'production' })).toThrow(EnvError);
    expect(() => readEnv({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL is required.*lost|throws away/);
    expect(readEnv({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y' }).production).toBe(true);
  });

  test.each([
    [{ PORT: '8080' }, { publicUrl: 'http://localhost:8080', port: 8080 }],
    [{ PUBLIC_URL: 'https://gitdone.example.com/' }, { publicUrl: 'https://gitdone.example.com' }],
    [{ GHE_HOST: 'ghe.example.com' }, { githubUrl: 'https://ghe.example.com' }],
    [{ GHE_HOST: '127.0.0.1:9000', GHE_PROTOCOL: 'http' }, { githubUrl: 'http://127.0.0.1:9000' }],
    [{ GITDONE_DATA_DIR: '/var/lib/gitdone' }, { dataDir: '/var/lib/gitdone' }],
    [{ GITDONE_WORKER_CONCURRENCY: '8' }, { workerConcurrency: 8 }],
  ])('%j', (env, expected) => {
    expect(readEnv(env)).toMatchObject(expected);
  });

  test.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PUBLIC_URL: 'gitdone.example.com' }, /PUBLIC_URL/],
    [{ GITDONE_WORKER_CONCURRENCY: '0' }, /GITDONE_WORKER_CONCURRENCY/],
    [{ GITDONE_SHUTDOWN_TIMEOUT_MS: 'soon' }, /GITDONE_SHUTDOWN_TIMEOUT_MS/],
  ])('%j is refused', (env, message) => {
    expect(() => readEnv(env)).toThrow(message);
  });
});
