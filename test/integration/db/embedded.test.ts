import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { letPostgresUserReach, startEmbeddedPostgres, type EmbeddedDatabase } from '../../../src/db/embedded.js';

// The development database: survives restarts, and recovers from a run that was killed.
const dataDir = mkdtempSync(path.join(tmpdir(), 'gitdone-embedded-'));
const warnings: string[] = [];
const log = { info: () => {}, warn: (m: string) => warnings.push(m) };
const running: EmbeddedDatabase[] = [];

afterAll(async () => {
  for (const db of running) await db.stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});

async function query(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  test('keeps its data across restarts', async () => {
    const first = await startEmbeddedPostgres({ dataDir, log });
    await query(first.url, 'create table kept (v text); insert into kept values (\'still here\')');
    await first.stop();
    const second = await startEmbeddedPostgres({ dataDir, log });
    running.push(second);
    expect(await query(second.url, 'select v from kept')).toEqual([{ v: 'still here' }]);
    await second.stop();
    running.pop();
  });

  test('stops the orphaned server a killed run left behind, and starts', async () => {
    const orphan = await startEmbeddedPostgres({ dataDir, log });
    running.push(orphan); // never stopped by its "parent": as if that process was SIGKILLed
    const pid = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const next = await startEmbeddedPostgres({ dataDir, log });
    running.push(next);
    expect(warnings.some((w) => w.includes(`orphaned embedded PostgreSQL (pid ${pid})`))).toBe(true);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await query(next.url, 'select v from kept')).toEqual([{ v: 'still here' }]);
    await next.stop();
  });

  test('removes a stale postmaster.pid whose process is gone', async () => {
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    writeFileSync(pidFile, `999999\n${path.join(dataDir, 'pg')}\n1700000000\n5432\n\n127.0.0.1\n`);
    const db = await startEmbeddedPostgres({ dataDir, log });
    running.push(db);
    expect(warnings.some((w) => w.includes('removing stale'))).toBe(true);
    expect(await query(db.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    await db.stop();
  });
});

/** As root, PostgreSQL runs as the `postgres` user, which must be able to walk to its data. */
const asRootWithPostgresUser = process.getuid?.() === 0 && userExists('postgres');

function userExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

(asRootWithPostgresUser ? describe : describe.skip)('as root: traverse permission only where the postgres user lacks it, and said', () => {
  const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

  test('a 700 folder becomes 701; folders it can already pass (as others, or through its group) are left alone', async () => {
    const top = mkdtempSync(path.join(tmpdir(), 'gitdone-root-')); // 700
    const closed = path.join(top, 'home'); // like a 700 home folder
    const open = path.join(closed, 'projects');
    const viaGroup = path.join(open, 'shared');
    const data = path.join(viaGroup, 'data');
    mkdirSync(data, { recursive: true });
    chmodSync(closed, 0o700);
    chmodSync(open, 0o755);
    chownSync(viaGroup, 0, Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
    chmodSync(viaGroup, 0o750);
    chmodSync(data, 0o700);
    const said: string[] = [];
    try {
      await letPostgresUserReach(data, { info: () => {}, warn: (m) => said.push(m) });
      expect({ top: mode(top), closed: mode(closed), open: mode(open), viaGroup: mode(viaGroup), data: mode(data) }).toEqual({
        top: '701',
        closed: '701',
        open: '755',
        viaGroup: '750',
        data: '701',
      });
      expect(said).toHaveLength(3);
      expect(said.find((m) => m.includes(` ${closed} `))).toMatch(/granted others traverse permission on .* \(mode 700 → 701\).*GITDONE_DATA_DIR/);
      expect(said.join('\n')).not.toMatch(/being created/);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  test('says so when the postgres user does not exist yet and is about to be created', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gitdone-root-'));
    chmodSync(dir, 0o755);
    const said: string[] = [];
    await letPostgresUserReach(dir, { info: () => {}, warn: (m) => said.push(m) }, 'gitdone-no-such-user');
    expect(said).toEqual([expect.stringMatching(/system user "gitdone-no-such-user", which does not exist yet and is being created/)]);
    rmSync(dir, { recursive: true, force: true });
  });
});
