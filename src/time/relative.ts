import { DateTime } from 'luxon';

/** "in 3 days", "2 hours ago" (luxon picks the unit); English whatever the machine's locale. */
export function relative(at: Date, now: Date): string {
  return DateTime.fromJSDate(at).setLocale('en').toRelative({ base: DateTime.fromJSDate(now) }) ?? '';
}
