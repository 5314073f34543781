/** What an operator reads when the database is not there: where, why, what to check; never the password. */
import { describe, expect, test } from '@jest/globals';
import net from 'node:net';
import { checkConnection, openDatabase } from '../../../src/db/database.js';
import { DatabaseUnreachable, describeConnectionFailure, targetOf } from '../../../src/db/connection-error.js';
import { withDatabase } from '../../helpers/run-database.js';

async function failure(url: string): Promise<DatabaseUnreachable> {
  const handle = openDatabase(url, { max: 1 });
  try {
    await checkConnection(handle, url);
  } catch (err) {
    return err as DatabaseUnreachable;
  } finally {
    await handle.close();
  }
  throw new Error('expected the connection to fail');
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('checkConnection against real failures', () => {
  test('nothing listening: host, port, database and user named, what to check, no password', async () => {
    const port = await closedPort();
    const err = await failure(`postgres://gitdone:s3cret-pw@127.0.0.1:${port}/gitdone_prod`);
    expect(err).toBeInstanceOf(DatabaseUnreachable);
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toBe(
      `Cannot connect to PostgreSQL at 127.0.0.1:${port}, database "gitdone_prod", user "gitdone" (from DATABASE_URL): nothing accepts connections there. ` +
        'Check that PostgreSQL is running, that it listens on that address and port (listen_addresses, port), and that DATABASE_URL names the right host and port.',
    );
    expect(err.message).not.toContain('s3cret-pw');
  });

  test('a database that does not exist: how to create it', async () => {
    const err = await failure(withDatabase(process.env.GITDONE_TEST_ADMIN_URL!, 'gitdone_missing_db'));
    expect(err.code).toBe('3D000');
    expect(err.message).toMatch(/database "gitdone_missing_db" does not exist\. Create it \(createdb gitdone_missing_db/);
  });

  test('a live database passes', async () => {
    const url = process.env.GITDONE_TEST_ADMIN_URL!;
    const handle = openDatabase(url, { max: 1 });
    await expect(checkConnection(handle, url)).resolves.toBeUndefined();
    await handle.close();
  });
});

describe('describeConnectionFailure', () => {
  const t = targetOf('postgres://app:pw@db.internal:6543/gitdone');

  test.each([
    [{ code: 'ENOTFOUND' }, /host name "db\.internal" does not resolve.*inside a container, "localhost" is the container itself/],
    [new Error('timeout expired'), /did not answer within 5 s/],
    [{ code: '28P01', message: 'password authentication failed for user "app"' }, /refused the password for user "app"/],
    [{ code: '57P03' }, /still starting up/],
    [Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), {}), /nothing accepts connections there/],
    [new Error('connect to postgres://app:pw@db.internal failed oddly'), /failed oddly\. Check DATABASE_URL\.$/],
  ])('%p', (err, message) => {
    const described = describeConnectionFailure(err, t);
    expect(described.message).toMatch(/^Cannot connect to PostgreSQL at db\.internal:6543, database "gitdone", user "app" \(from DATABASE_URL\): /);
    expect(described.message).toMatch(message);
    expect(described.message).not.toMatch(/:pw@/);
  });

  test.each([
    ['postgres:///gitdone?host=/var/run/postgresql', {}, { host: '/var/run/postgresql', port: '5432', database: 'gitdone' }],
    ['postgres://u@h/', { PGDATABASE: 'fromenv', PGPORT: '5433' }, { host: 'h', port: '5433', database: 'fromenv', user: 'u' }],
  ])('targetOf(%s) fills in like pg', (url, env, expected) => {
    expect(targetOf(url, env)).toMatchObject(expected);
  });
});
