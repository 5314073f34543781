import { oneLine } from '../markdown/inert.js';
import type { CommandLine } from './parse.js';

/** At most this many commands of one comment are carried out (SPEC §2); the rest are refused. */
export const MAX_COMMANDS = 10;

export interface Selection {
  /** The lines to carry out, in order: distinct, at most MAX_COMMANDS. */
  run: CommandLine[];
  /** Lines that repeat an earlier one: answered once, through it. */
  repeats: number;
  /** Distinct lines past the limit: refused, not carried out. */
  over: CommandLine[];
}

/**
 * Which command lines of a comment are carried out. A comment may hold thousands of lines;
 * the work (and the reply) must not grow with them. Repeats count once: the same command
 * (as read, so `/deadline list` and `/deadline  LIST` are one) is carried out once.
 */
export function selectLines(lines: readonly CommandLine[], max = MAX_COMMANDS): Selection {
  const seen = new Set<string>();
  const run: CommandLine[] = [];
  const over: CommandLine[] = [];
  let repeats = 0;
  for (const line of lines) {
    const key = line.ok ? `ok:${JSON.stringify(line.command)}` : `refused:${oneLine(line.source).toLowerCase()}`;
    if (seen.has(key)) {
      repeats++;
      continue;
    }
    seen.add(key);
    (run.length < max ? run : over).push(line);
  }
  return { run, repeats, over };
}
