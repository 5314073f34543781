import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../../src/db/embedded.js';

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
