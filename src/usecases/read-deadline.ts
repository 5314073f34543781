import { checkDueRange, parseWhen } from '../time/when.js';
import { Refusal } from './refusal.js';

/** Reads a `<when>` in a zone, counted from when the comment was written; refuses what cannot be a deadline. */
export function readDeadline(text: string, zone: string, writtenAt: Date, usage: string) {
  const when = parseWhen(text, { now: writtenAt, zone });
  if (!when.ok) throw new Refusal(when.error, usage);
  const range = checkDueRange(when.dueAt, writtenAt);
  if (range) throw new Refusal(range, usage);
  return when;
}
