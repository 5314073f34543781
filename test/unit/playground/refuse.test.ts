import { describe, expect, test } from '@jest/globals';
import { playgroundRefusal } from '../../../src/playground/refuse.js';

describe('playgroundRefusal', () => {
  test.each([
    [{}, undefined],
    [{ NODE_ENV: 'development', WEBHOOK_SECRET: 'x', DATABASE_URL: 'postgres://x' }, undefined],
    [{ APP_ID: '' }, undefined],
    [{ NODE_ENV: 'production' }, 'does not run with NODE_ENV=production'],
    [{ APP_ID: '12' }, 'where a real GitHub App is configured (APP_ID is set)'],
    [{ PRIVATE_KEY: 'pem' }, '(PRIVATE_KEY is set)'],
    [{ PRIVATE_KEY_PATH: '/k.pem' }, '(PRIVATE_KEY_PATH is set)'],
    [{ APP_ID: '1', PRIVATE_KEY_PATH: '/k.pem' }, '(APP_ID, PRIVATE_KEY_PATH are set)'],
  ])('%j → %s', (env, expected) => {
    const refusal = playgroundRefusal(env);
    if (expected === undefined) expect(refusal).toBeUndefined();
    else expect(refusal).toContain(expected);
  });

  test('says when a setting came from .env', () => {
    expect(playgroundRefusal({ NODE_ENV: 'production' }, new Set(['NODE_ENV']))).toContain('NODE_ENV (from .env)=production');
    expect(playgroundRefusal({ APP_ID: '1', PRIVATE_KEY: 'k' }, new Set(['PRIVATE_KEY']))).toContain('(APP_ID, PRIVATE_KEY (from .env) are set)');
  });
});
