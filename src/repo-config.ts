import { z } from 'zod';
import { normalizeZone } from './commands/when.js';

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
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration like 24h, 90m, 2d or 1w` });
    return z.NEVER;
  }
  return ms;
});

const schema = z
  .object({
    timezone: z.string().transform((v, ctx) => {
      const zone = normalizeZone(v); // "europe/berlin" → "Europe/Berlin", for display
      if (!zone) ctx.addIssue({ code: 'custom', message: `"${v}" is not an IANA time zone like Europe/Berlin` });
      return zone ?? v;
    }),
    branches: z.union([z.string(), z.array(z.string().min(1))]).transform((v) => (typeof v === 'string' ? [v] : v)),
    permission: z.enum(['triage', 'write', 'maintain', 'admin']),
    reminders: z.array(duration).max(10),
    complete_on_close: z.boolean(),
  })
  .partial()
  .passthrough();

export type ConfigResult = { ok: true; config: RepoConfig } | { ok: false; config: RepoConfig; errors: string[] };

/** Validates what `context.config()` read; on error returns the defaults with readable messages. */
export function parseRepoConfig(raw: unknown): ConfigResult {
  if (raw === null || raw === undefined) return { ok: true, config: DEFAULT_CONFIG };
  const result = schema.safeParse(raw);
  if (!result.success) {
    const errors = result.error.issues.map((i) => `\`${i.path.join('.') || '(root)'}\`: ${i.message}`);
    return { ok: false, config: DEFAULT_CONFIG, errors };
  }
  const { timezone, branches, permission, reminders, complete_on_close } = result.data;
  return {
    ok: true,
    config: {
      timezone: timezone ?? DEFAULT_CONFIG.timezone,
      branches: branches ?? DEFAULT_CONFIG.branches,
      permission: permission ?? DEFAULT_CONFIG.permission,
      reminders: [...new Set(reminders ?? DEFAULT_CONFIG.reminders)].sort((a, b) => b - a),
      complete_on_close: complete_on_close ?? DEFAULT_CONFIG.complete_on_close,
    },
  };
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
