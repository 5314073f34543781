import { userInfo } from 'node:os';

/**
 * Says why PostgreSQL could not be reached, where, and what to check — for the operator
 * reading a failed start-up, instead of a raw ECONNREFUSED stack. Names host, port,
 * database and user; never the password.
 */
export class DatabaseUnreachable extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export interface Target {
  host: string;
  port: string;
  database: string;
  user: string;
}

/** Where a connection string points, filled in the way pg fills it (PG* variables, then its defaults). */
export function targetOf(connectionString: string, env: Record<string, string | undefined> = process.env): Target {
  let u: URL;
  try {
    u = new URL(connectionString);
  } catch {
    return { host: '?', port: '?', database: '?', user: '?' };
  }
  const user = decodeURIComponent(u.username) || env.PGUSER || safeUserName();
  return {
    host: u.searchParams.get('host') || decodeURIComponent(u.hostname) || env.PGHOST || 'localhost',
    port: u.port || env.PGPORT || '5432',
    database: decodeURIComponent(u.pathname.slice(1)) || env.PGDATABASE || user,
    user,
  };
}

export function describeConnectionFailure(err: unknown, t: Target, variable = 'DATABASE_URL'): DatabaseUnreachable {
  const code = errorCode(err);
  const where = `PostgreSQL at ${t.host}:${t.port}, database "${t.database}", user "${t.user}" (from ${variable})`;
  const checks: Record<string, string> = {
    ECONNREFUSED: `nothing accepts connections there. Check that PostgreSQL is running, that it listens on that address and port (listen_addresses, port), and that ${variable} names the right host and port.`,
    ENOTFOUND: `the host name "${t.host}" does not resolve. Check the host in ${variable} (inside a container, "localhost" is the container itself).`,
    EAI_AGAIN: `the host name "${t.host}" could not be looked up (DNS did not answer). Check the host in ${variable} and this machine's DNS.`,
    EHOSTUNREACH: `the host cannot be reached. Check the network path and any firewall between here and ${t.host}.`,
    ENETUNREACH: `the network cannot be reached. Check the network path and any firewall between here and ${t.host}.`,
    ETIMEDOUT: `it did not answer in time. Check that ${t.host} is reachable from here (firewall, security group) and the port is right.`,
    TIMEOUT: `it did not answer within 5 s. Check that ${t.host} is reachable from here (firewall, security group) and the port is right.`,
    '28P01': `it refused the password for user "${t.user}". Check the user name and password in ${variable}.`,
    '28000': `it refused user "${t.user}" from this host. Check the user name in ${variable} and the server's pg_hba.conf.`,
    '3D000': `database "${t.database}" does not exist. Create it (createdb ${t.database}, or CREATE DATABASE "${t.database}") or fix the name in ${variable}.`,
    '57P03': 'the database is still starting up. Try again in a moment.',
    '53300': 'it has no connection slots left (max_connections). Close other connections or raise the limit.',
  };
  const detail = code ? checks[code] : undefined;
  const message = detail
    ? `Cannot connect to ${where}: ${detail}`
    : `Cannot connect to ${where}: ${scrub(err instanceof Error ? err.message : String(err))}${code ? ` (${code})` : ''}. Check ${variable}.`;
  return new DatabaseUnreachable(message, code);
}

/** pg's SQLSTATE, a socket's errno code, or our TIMEOUT; Node's happy-eyeballs wraps socket errors in an AggregateError. */
function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; errors?: Array<{ code?: unknown }>; message?: string };
  if (typeof e?.code === 'string') return e.code;
  const inner = e?.errors?.find((x) => typeof x?.code === 'string');
  if (inner) return inner.code as string;
  if (typeof e?.message === 'string' && /timeout/i.test(e.message)) return 'TIMEOUT';
  return undefined;
}

/** A driver message may quote the connection string; never let a password through. */
function scrub(message: string): string {
  return message.replace(/(\w+:\/\/[^:/@\s]*:)[^@\s]*@/g, '$1***@');
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return '?';
  }
}
