import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testPrivateKey } from '../helpers/keys.js';
import { freePort, killAll, spawnServer } from './server.js';

/**
 * `npm run playground` refuses, before it starts anything, where it must not run: with
 * NODE_ENV=production, or where a real GitHub App is configured (environment or `.env`).
 * (That it runs is the browser test's part: test/browser/playground.test.ts.)
 */

const ROOT = new URL('../../', import.meta.url).pathname;
const dirs: string[] = [];

afterAll(async () => {
  await killAll();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A folder like a checkout, for `npm run playground` (its script runs src/ through tsx): package.json, src/. */
function checkout(): string {
  const dir = join(ROOT, 'test-artifacts', 'e2e-run', `playground-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  dirs.push(dir);
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'src'), join(dir, 'src'));
  return dir;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b));
    child.stderr.on('data', (b: Buffer) => (out += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, ms: Date.now() - started });
    });
  });
}

/** The parent's environment without what would configure GitDone (or jest's NODE_OPTIONS). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(NODE_OPTIONS|NODE_ENV|DATABASE_URL|APP_ID|PRIVATE_KEY|PRIVATE_KEY_PATH|WEBHOOK_SECRET|npm_.*|GITDONE_.*)$/.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

describe('npm run playground refuses where it must not run', () => {
  test('with NODE_ENV=production: exit 1, a message naming it, nothing started', async () => {
    const dir = checkout();
    const port = await freePort();
    const r = await run('npm', ['run', 'playground', '--silent'], dir, cleanEnv({ NODE_ENV: 'production', PORT: String(port) }));
    expect(r.code).toBe(1);
    expect(r.out).toContain('The playground does not run with NODE_ENV=production');
    expect(existsSync(join(dir, '.data'))).toBe(false);
    console.log(`playground refusal through npm run: ${r.ms} ms`);
  });

  test('with a real App in the environment or in .env: exit 1, naming the settings and where they came from', async () => {
    const viaEnv = await spawnServer({ app: true, entry: 'dist/src/playground/main.js' });
    const envExit = await viaEnv.waitForExit(15_000);
    expect(envExit.code).toBe(1);
    expect(viaEnv.lines.join('\n')).toContain('where a real GitHub App is configured (APP_ID, PRIVATE_KEY are set)');
    expect(existsSync(join(viaEnv.cwd, '.data'))).toBe(false);

    const pem = join(ROOT, 'test-artifacts', `playground-${process.pid}.pem`);
    writeFileSync(pem, testPrivateKey());
    dirs.push(pem);
    const viaDotenv = await spawnServer({ app: false, entry: 'dist/src/playground/main.js', dotenv: `APP_ID=12345\nPRIVATE_KEY_PATH=${pem}\n` });
    const dotenvExit = await viaDotenv.waitForExit(15_000);
    expect(dotenvExit.code).toBe(1);
    expect(viaDotenv.lines.join('\n')).toContain('(APP_ID (from .env), PRIVATE_KEY_PATH (from .env) are set)');
    expect(existsSync(join(viaDotenv.cwd, '.data'))).toBe(false);
  });
});
