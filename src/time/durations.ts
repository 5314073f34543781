/**
 * Durations in words and clock digits. Pure and browser-safe: the countdown page runs the
 * same functions (embed/page-script.ts), so the server's first paint and the page's ticks agree.
 */

const MINUTE = 60_000;

/** Two units at most, the second dropped when zero: "3d 4h", "5h 12m", "3d", "12m", "<1m". */
export function shortDuration(ms: number): string {
  const m = Math.floor(Math.abs(ms) / MINUTE);
  if (m < 1) return '<1m';
  const d = Math.floor(m / 1440);
  const h = Math.floor(m / 60) % 24;
  const mm = m % 60;
  if (d > 0) return h ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return mm ? `${h}h ${mm}m` : `${h}h`;
  return `${mm}m`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The largest whole unit, in words: "2 days", "1 hour", "5 minutes", "less than a minute". */
export function longDuration(ms: number): string {
  const m = Math.floor(Math.abs(ms) / MINUTE);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (d) return plural(d, 'day');
  if (h) return plural(h, 'hour');
  if (m) return plural(m, 'minute');
  return 'less than a minute';
}

/** Countdown units from the largest non-zero one (minutes and seconds always): [[3,'d'],[4,'h'],[5,'m'],[6,'s']]. */
export function clockParts(ms: number): Array<[string, string]> {
  const t = Math.floor(Math.max(0, ms) / 1000);
  const v = [Math.floor(t / 86400), Math.floor(t / 3600) % 24, Math.floor(t / 60) % 60, t % 60];
  const units = 'dhms';
  let i = 0;
  while (i < 2 && !v[i]) i++;
  const out: Array<[string, string]> = [];
  for (let j = i; j < 4; j++) {
    const n = v[j] ?? 0;
    out.push([j > i && n < 10 ? `0${n}` : String(n), units[j] ?? '']);
  }
  return out;
}
