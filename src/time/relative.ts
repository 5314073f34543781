import { DateTime } from 'luxon';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "in 3 days", "in 1 hour 30 minutes", "2 hours ago": how far `at` is from `now`, in English
 * whatever the machine's locale.
 *
 * Rounded to the nearest step, never cut: a reply is written a moment after the comment it
 * answers, so "in 2h" is 1 h 59 min 58 s ahead by then, which luxon's `toRelative` (it
 * truncates) worded "in 1 hour". Two units below a week, so that "in 90 minutes" is not
 * "in 2 hours"; one unit beyond, the deadline itself being shown next to it.
 * - under an hour: minutes ("less than a minute" under 30 seconds);
 * - under a day: hours, and minutes when there are any;
 * - under a week: days, and hours when there are any;
 * - under 45 days: days; beyond: months or years (luxon's calendar arithmetic, rounded).
 */
export function relative(at: Date, now: Date): string {
  const ms = at.getTime() - now.getTime();
  const words = amount(at, now, Math.abs(ms));
  return ms < 0 ? `${words} ago` : `in ${words}`;
}

function amount(at: Date, now: Date, abs: number): string {
  const minutes = Math.round(abs / MINUTE);
  if (minutes === 0) return 'less than a minute';
  if (minutes < 60) return plural(minutes, 'minute');
  if (minutes < 24 * 60) return pair(Math.floor(minutes / 60), 'hour', minutes % 60, 'minute');
  const hours = Math.round(abs / HOUR);
  if (hours < 7 * 24) return pair(Math.floor(hours / 24), 'day', hours % 24, 'hour');
  const days = Math.round(abs / DAY);
  if (days < 45) return plural(days, 'day');
  const [later, earlier] = at > now ? [at, now] : [now, at];
  const diff = DateTime.fromJSDate(later, { zone: 'UTC' }).diff(DateTime.fromJSDate(earlier, { zone: 'UTC' }), ['years', 'months']);
  const months = Math.round(diff.years * 12 + diff.months);
  return months < 12 ? plural(months, 'month') : plural(Math.round(months / 12), 'year');
}

function pair(n: number, unit: string, m: number, smaller: string): string {
  return m === 0 ? plural(n, unit) : `${plural(n, unit)} ${plural(m, smaller)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
