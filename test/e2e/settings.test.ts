import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { withDatabase } from '../helpers/run-database.js';
import { testPrivateKey } from '../helpers/keys.js';
import { freePort, killAll, spawnServer, startServer, waitFor, type ServerProcess, type StartOptions } from './server.js';

/**
 * Settings and first run, tried the way a new user and an operator would: `.env` beside the
 * process, setup mode, a broken key, logs in a terminal and not, a database that is not there.
 * Each runs the built server as a child process (see server.ts).
 */

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterEach(killAll);
afterAll(async () => {
  await killAll();
  await t.close();
});

/** Runs the process until it exits by itself; fails (after killing it) if it does not within `timeoutMs`. */
async function runToExit(o: StartOptions, timeoutMs = 10_000): Promise<{ server: ServerProcess; ms: number }> {
  const server = await spawnServer(o);
  try {
    await server.waitForExit(timeoutMs);
  } catch (err) {
    await server.killTree();
    throw err;
  }
  return { server, ms: Date.now() - server.spawnedAt };
}

const fatal = (s: ServerProcess) => s.logs.filter((l) => l.level === 60).map((l) => String(l.msg)).join('\n');

/** What the setup page writes into `.env` (Probot's updateEnv): the PEM quoted, newlines as \n. */
const setupPageKey = () => `"${testPrivateKey().replace(/\n/g, '\\n')}"`;

describe('.env is read before anything else, and the environment wins over it', () => {
  test('DATABASE_URL, NODE_ENV=production, LOG_LEVEL and the app from .env (as the setup page writes it) are used: no embedded database', async () => {
    const server = await startServer({
      app: false,
      dotenv: [
        `DATABASE_URL=${t.url}`,
        'NODE_ENV=production',
        'LOG_LEVEL=debug',
        'APP_ID=1',
        `PRIVATE_KEY=${setupPageKey()}`,
        'WEBHOOK_SECRET=from-dotenv',
        'PUBLIC_URL=https://from-dotenv.example', // the environment's PUBLIC_URL wins
        '',
      ].join('\n'),
      env: { NODE_ENV: undefined, LOG_LEVEL: undefined },
    });
    expect(server.logged('embedded')).toEqual([]);
    expect(existsSync(join(server.cwd, '.data'))).toBe(false);
    expect(server.logs.some((l) => l.level === 20)).toBe(true); // debug lines: LOG_LEVEL=debug came from .env
    expect(server.logged('GitDone is ready')[0]?.publicUrl).toBe(server.url);
    // The webhook secret is .env's: a delivery signed with it is accepted, one signed with the default is not.
    expect((await server.sendWebhook('ping', { zen: 'hi', hook_id: 1 }, { id: 'dotenv-1', secret: 'from-dotenv' })).status).toBe(200);
    expect((await server.sendWebhook('ping', { zen: 'hi', hook_id: 1 }, { id: 'dotenv-2', secret: 'development' })).status).toBe(401);
    expect((await server.stop()).code).toBe(0);
  }, 40_000);

  test.each([
    ['in .env', { dotenv: 'NODE_ENV=production\n', env: { NODE_ENV: undefined } }],
    ['in the environment', { env: { NODE_ENV: 'production' } }],
  ])('NODE_ENV=production %s without DATABASE_URL: refuses to start, saying why, and creates no database', async (_where, o) => {
    const { server, ms } = await runToExit(o as StartOptions);
    expect(server.exit).toEqual({ code: 1, signal: null });
    expect(fatal(server)).toMatch(/DATABASE_URL is required when NODE_ENV=production/);
    expect(existsSync(join(server.cwd, '.data'))).toBe(false);
    expect(ms).toBeLessThan(10_000);
  });
});

describe('setup mode (no GitHub App configured yet)', () => {
  test('/healthz answers 200, /readyz 503 "not configured", / leads to the setup page; logs are JSON off a terminal; SIGTERM exits 0', async () => {
    const server = await spawnServer({ app: false, databaseUrl: t.url });
    await waitFor('/healthz to answer', () => server.get('/healthz').then((r) => r.status === 200, () => false), {
      timeoutMs: 20_000,
      explain: () => server.tail(),
    });
    const ready = await server.get('/readyz');
    expect({ status: ready.status, body: await ready.text() }).toEqual({ status: 503, body: 'not configured\n' });
    const root = await server.get('/', { redirect: 'manual' });
    expect({ status: root.status, location: root.headers.get('location') }).toEqual({ status: 302, location: '/probot' });
    expect((await server.get('/probot')).status).toBe(200);
    const exit = await server.stop();
    expect({ code: exit.code, forced: exit.forced }).toEqual({ code: 0, forced: false });
    // No LOG_FORMAT, not a terminal: every line is JSON, Probot's own (its setup welcome, "Listening on") included.
    expect(server.lines.filter((l) => !l.startsWith('{') && l.trim() !== '')).toEqual([]);
    expect(server.logs.some((l) => typeof l.msg === 'string' && l.msg.startsWith('Listening on'))).toBe(true);
    expect(server.logs.some((l) => l.msg === 'Welcome to Probot!')).toBe(true);
  }, 30_000);
});

describe('a GitHub App key that is set but unusable is a start-up error naming the variable', () => {
  test.each([
    ['PRIVATE_KEY that is not a key', { PRIVATE_KEY: 'not a key' }, /PRIVATE_KEY/],
    ['PRIVATE_KEY_PATH to a missing file', { PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: '/nonexistent/gitdone.pem' }, /PRIVATE_KEY_PATH.*\/nonexistent\/gitdone\.pem/],
    [
      'PRIVATE_KEY still in quotes, as `docker run --env-file` passes the setup page\'s .env',
      { PRIVATE_KEY: setupPageKey() },
      /PRIVATE_KEY.*quote.*PRIVATE_KEY_PATH/s,
    ],
    ['APP_ID that is not a number', { APP_ID: 'gitdone' }, /APP_ID/],
    ['PRIVATE_KEY without APP_ID', { APP_ID: undefined }, /APP_ID/],
  ])('%s', async (_what, env, message) => {
    const { server } = await runToExit({ databaseUrl: t.url, env });
    expect(server.exit).toEqual({ code: 1, signal: null });
    expect(fatal(server)).toMatch(message);
    expect(server.lines.join('\n')).not.toMatch(/setup mode|Welcome to Probot/);
  });

  test('in production too, and without an app at all production refuses (no setup page there)', async () => {
    const broken = await runToExit({ databaseUrl: t.url, env: { NODE_ENV: 'production', PRIVATE_KEY: 'not a key' } });
    expect(fatal(broken.server)).toMatch(/PRIVATE_KEY/);
    const none = await runToExit({ databaseUrl: t.url, app: false, env: { NODE_ENV: 'production' } });
    expect(none.server.exit?.code).toBe(1);
    expect(fatal(none.server)).toMatch(/APP_ID/);
  });

  test('PRIVATE_KEY_PATH to a mounted file works (the container form)', async () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'gitdone-key-')), 'app.pem');
    writeFileSync(keyFile, testPrivateKey());
    const server = await startServer({ databaseUrl: t.url, env: { PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: keyFile } });
    expect((await server.stop()).code).toBe(0);
  }, 30_000);
});

describe('log format', () => {
  /** The output of a process run in a pseudo-terminal, ended by the configuration error (PORT=eighty) it is given. */
  async function inTerminal(env: Record<string, string | undefined>): Promise<string> {
    const { server } = await runToExit({ via: 'terminal', databaseUrl: t.url, env: { LOG_FORMAT: undefined, PORT: 'eighty', ...env } });
    return server.lines.join('\n').replace(/\x1b\[[0-9;]*m/g, ''); // without colours
  }

  test.each([
    [{}, 'pretty'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://127.0.0.1:9/x' }, 'json'],
    [{ LOG_FORMAT: 'json' }, 'json'],
  ])('in a terminal with %j: %s', async (env, format) => {
    const out = await inTerminal(env);
    const lines = out.split(/\r?\n/).filter((l) => l.includes('PORT'));
    expect(lines.length).toBeGreaterThan(0);
    if (format === 'json') expect(() => JSON.parse(lines[0]!)).not.toThrow();
    else expect(lines[0]).toMatch(/FATAL.*PORT/);
  });

  test('LOG_FORMAT=pretty when stdout is not a terminal', async () => {
    const { server } = await runToExit({ databaseUrl: t.url, env: { LOG_FORMAT: 'pretty', PORT: 'eighty' } });
    expect(server.lines.join('\n')).toMatch(/FATAL.*PORT/);
    expect(server.logs).toEqual([]);
  });
});

describe('database and port problems say what to check, once', () => {
  test('nothing listening at DATABASE_URL: exits non-zero within 10 s naming host, port and database, never the password', async () => {
    const port = await freePort();
    const { server, ms } = await runToExit({ databaseUrl: `postgres://gitdone:s3cret-pw@127.0.0.1:${port}/gitdone_prod` });
    expect(server.exit?.code).toBe(1);
    expect(ms).toBeLessThan(10_000);
    const out = server.lines.join('\n');
    expect(out).toContain(`127.0.0.1:${port}`);
    expect(out).toContain('gitdone_prod');
    expect(out).toMatch(/running|listen/i);
    expect(out).not.toContain('s3cret-pw');
    expect(out).not.toMatch(/^\s+at /m); // no raw stack trace
  });

  test('a database that does not exist: says so and how to create it', async () => {
    const url = withDatabase(process.env.GITDONE_TEST_ADMIN_URL!, 'gitdone_no_such_db');
    const { server } = await runToExit({ databaseUrl: url });
    expect(server.exit?.code).toBe(1);
    expect(fatal(server)).toMatch(/"gitdone_no_such_db" does not exist.*create/is);
  });

  test('the port is taken: one message saying so, exit 1, and nothing left running', async () => {
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const { server } = await runToExit({ databaseUrl: t.url, env: { PORT: String(port) } }, 20_000);
      expect(server.exit?.code).toBe(1);
      expect(server.lines.filter((l) => /already in use/.test(l))).toHaveLength(1);
    } finally {
      blocker.close();
    }
  }, 30_000);
});
