/**
 * Pure helpers shared by the embed renderers: cleaning user text, escaping it for each
 * output context, and wording durations and deadlines. No I/O, no clock.
 */
import { isValidZone } from '../commands/when.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Half of a surrogate pair with no partner: not valid text in any output. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Bidi embeddings, overrides and isolates: harmless inside <bdi>, harmful where nothing isolates them. */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * User text for a one-line context: tabs and line breaks become spaces, other C0/C1 control
 * characters are dropped, lone surrogates become U+FFFD. Bidi marks are kept (callers isolate them).
 */
export function cleanText(s: string): string {
  return s
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(CONTROL, (c) => (c === '\t' || c === '\n' || c === '\r' ? ' ' : ''))
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Like cleanText, and also drops bidi overrides: for places that cannot isolate them (<title>, meta, SVG, calendars). */
export function plainText(s: string): string {
  return cleanText(s.replace(BIDI_CONTROL, ''));
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes for HTML text and quoted attribute values alike; also valid XML (SVG). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

export const escapeXml = escapeHtml;

/**
 * JSON to put inside `<script type="application/json">`: `<`, `>` and `&` are written as
 * \u escapes so that no `</script`, `<!--` or `]]>` can appear, and U+2028/2029 likewise.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Only http(s) URLs are ever put into an href. */
export function safeHref(url: string): string | null {
  return /^https?:\/\/[^\s"'<>]+$/i.test(url) ? url : null;
}

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

/** The goal's zone, or UTC should a stored zone ever stop being known (an old tz database). */
function validZone(tz: string): string {
  return isValidZone(tz) ? tz : 'UTC';
}

// Building an Intl.DateTimeFormat costs far more than using one; embeds are rendered
// on every request, so keep one pair per zone (there are a few hundred zones at most).
const formatters = new Map<string, { tz: string; time: Intl.DateTimeFormat; offset: Intl.DateTimeFormat }>();

function formattersFor(timezone: string) {
  let f = formatters.get(timezone);
  if (!f) {
    const tz = validZone(timezone);
    f = {
      tz,
      time: new Intl.DateTimeFormat('en-GB', {
        timeZone: tz,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
      offset: new Intl.DateTimeFormat('en-GB', { timeZone: tz, timeZoneName: 'longOffset' }),
    };
    if (formatters.size < 1000) formatters.set(timezone, f);
  }
  return f;
}

/**
 * The deadline read in the goal's zone: "Tue, 15 Jan 2030, 17:00" and "Europe/Berlin (UTC+01:00)".
 * The page's script words a moved deadline with the same options, so both agree.
 */
export function zonedDeadline(iso: string, timezone: string): { time: string; zone: string } {
  const { tz, time: timeFormat, offset: offsetFormat } = formattersFor(timezone);
  const date = new Date(iso);
  const time = timeFormat.format(date);
  const offset = (offsetFormat.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT').replace('GMT', 'UTC');
  const zone = tz === 'UTC' || tz === 'Etc/UTC' ? 'UTC' : `${tz} (${offset === 'UTC' ? 'UTC+00:00' : offset})`;
  return { time, zone };
}
