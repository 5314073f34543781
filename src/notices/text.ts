import { DateTime } from 'luxon';

// Comments are written in English whatever the server's LANG (luxon would follow it).
const LOCALE = 'en';

/** A keyword shown as code: keywords have no backticks or spaces, so one pair of backticks holds. */
export function code(keyword: string): string {
  return '`' + keyword.replace(/`/g, '') + '`';
}

/** "Tuesday, 15 January 2030 at 12:00 EST (America/New_York, UTC-05:00)" in the goal's zone. */
export function formatDeadline(at: Date, zone: string): string {
  const dt = DateTime.fromJSDate(at, { zone }).setLocale(LOCALE);
  if (zone === 'UTC' || zone === 'Etc/UTC') return `${dt.toFormat("cccc, d LLLL yyyy 'at' HH:mm")} UTC`;
  // Only a real abbreviation (EST, CET) helps; "GMT+1" would repeat the offset.
  const abbreviation = /^[A-Z]{2,5}$/.test(dt.offsetNameShort ?? '') ? ` ${dt.offsetNameShort}` : '';
  return `${dt.toFormat("cccc, d LLLL yyyy 'at' HH:mm")}${abbreviation} (${zone}, UTC${dt.toFormat('ZZ')})`;
}

/** "in 3 days", "2 hours ago". */
export function relative(at: Date, now: Date): string {
  return DateTime.fromJSDate(at).setLocale(LOCALE).toRelative({ base: DateTime.fromJSDate(now) }) ?? '';
}
