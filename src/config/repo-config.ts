import { z } from 'zod';
import { normalizeZone } from '../time/zones.js';
import { quote } from '../markdown/inert.js';
import { MAX_REMINDERS } from '../notices/plan.js';

/** `.github/gitdone.yml` (SPEC §5). */
export interface RepoConfig {
  timezone: string;
  /** Globs; empty = the repository's default branch. */
  branches: string[];
  permission: Permission;
  /** Milliseconds before the deadline. */
  reminders: number[];
  complete_on_close: boolean;
}

export const PERMISSIONS = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];


export const DEFAULT_CONFIG: RepoConfig = {
  timezone: 'UTC',
  branches: [],
  permission: 'write',
  reminders: [24 * 3600_000],
  complete_on_close: true,
};

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `${quote(String(v), { max: 40 })} is not a duration like 24h, 90m, 2d or 1w` });
    return z.NEVER;
  }
  return ms;
});

/** One schema per setting: a mistake in one setting must not throw the others away. */
const fields = {
  timezone: z.string().transform((v, ctx) => {
    const zone = normalizeZone(v); // "europe/berlin" → "Europe/Berlin", for display
    if (!zone) ctx.addIssue({ code: 'custom', message: `${quote(v, { max: 40 })} is not an IANA time zone like Europe/Berlin` });
    return zone ?? v;
  }),
  branches: z.union([z.string().min(1), z.array(z.string().min(1))]).transform((v) => (typeof v === 'string' ? [v] : v)),
  permission: z.enum(['triage', 'write', 'maintain', 'admin']),
  reminders: z
    .array(duration)
    .max(MAX_REMINDERS)
    .transform((ms) => [...new Set(ms)].sort((a, b) => b - a)),
  complete_on_close: z.boolean(),
} satisfies { [K in keyof RepoConfig]: z.ZodType<RepoConfig[K], unknown> };

/**
 * When `permission` itself is unreadable, nobody knows what the owners meant: fail closed
 * rather than fall back to `write`, which could let in people they meant to keep out.
 */
const WHEN_INVALID: RepoConfig = { ...DEFAULT_CONFIG, permission: 'admin' };
const WHEN_INVALID_WORDS: Record<keyof RepoConfig, string> = {
  timezone: 'UTC',
  branches: 'the default branch',
  permission: 'admin',
  reminders: '24h',
  complete_on_close: 'true',
};

export type ConfigResult = { ok: true; config: RepoConfig } | { ok: false; config: RepoConfig; errors: string[] };

/** A file with a thousand mistakes is reported by its first few: the reply must stay readable and bounded. */
export const MAX_CONFIG_ERRORS = 10;

/**
 * The file could not be read or parsed at all (a YAML syntax error, a 403, a broken
 * `_extends`): nothing in it can be trusted, so every setting takes its fallback,
 * `permission` included (`admin`), and `reason` tells the reader why.
 */
export function unreadableConfig(reason: string): ConfigResult {
  return { ok: false, config: WHEN_INVALID, errors: [`${reason} Every setting uses its fallback until it is fixed, so only admins can run commands.`] };
}

/**
 * Validates what `context.config()` read, setting by setting: a valid setting is kept, an
 * invalid one falls back (to its default, or `admin` for `permission`) with a readable message.
 */
export function parseRepoConfig(raw: unknown): ConfigResult {
  if (raw === null || raw === undefined) return { ok: true, config: DEFAULT_CONFIG };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return unreadableConfig('The file must be a YAML mapping like `timezone: Europe/Berlin`.');
  }
  const input = raw as Record<string, unknown>;
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  const errors: string[] = [];
  for (const [key, schema] of Object.entries(fields) as Array<[keyof RepoConfig, z.ZodType]>) {
    if (input[key] === undefined) continue;
    const result = schema.safeParse(input[key]);
    if (result.success) {
      config[key] = result.data;
    } else {
      config[key] = WHEN_INVALID[key];
      errors.push(...result.error.issues.map((i) => `${quote([key, ...i.path].join('.'), { max: 40 })}: ${i.message} (using ${WHEN_INVALID_WORDS[key]})`));
    }
  }
  if (errors.length > MAX_CONFIG_ERRORS) {
    errors.splice(MAX_CONFIG_ERRORS, errors.length, `…and ${errors.length - MAX_CONFIG_ERRORS} more problems.`);
  }
  return errors.length ? { ok: false, config: config as unknown as RepoConfig, errors } : { ok: true, config: config as unknown as RepoConfig };
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "24h", "90m", "2d", "1w"; a bare number is hours. Null when unreadable or not positive. */
export function parseDuration(v: string | number): number | null {
  if (typeof v === 'number') return v > 0 && Number.isFinite(v) ? v * UNIT_MS.h! : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([mhdw])?\s*$/i.exec(v);
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[(m[2] ?? 'h').toLowerCase()]!;
  return ms > 0 ? ms : null;
}

export function rank(p: Permission): number {
  return PERMISSIONS.indexOf(p);
}
