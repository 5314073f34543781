import { isUtc } from './utc.js';

/**
 * A deadline in words, in the goal's zone: the one place deadlines are formatted, for
 * replies, embeds and the countdown page alike. Intl only (no luxon), so that the page's
 * script runs this very code in the browser (embed/page-script.ts). English whatever the
 * machine's locale.
 */

type Kind = 'short' | 'long' | 'offset' | 'abbreviation';

const OPTIONS: Record<Kind, [string, Intl.DateTimeFormatOptions]> = {
  short: ['en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }],
  long: ['en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }],
  offset: ['en-GB', { timeZoneName: 'longOffset' }],
  abbreviation: ['en-US', { timeZoneName: 'short' }],
};

// Building an Intl.DateTimeFormat costs far more than using one, and embeds format on every
// request: each is built once per zone (a few hundred zones at most; the map is bounded anyway).
const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(kind: Kind, zone: string): Intl.DateTimeFormat {
  const key = `${kind} ${zone}`;
  let f = cache.get(key);
  if (!f) {
    const [locale, options] = OPTIONS[kind];
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: knownZone(zone) });
    if (cache.size < 4000) cache.set(key, f);
  }
  return f;
}

const known = new Map<string, string>();

/**
 * The zone, or UTC should a stored zone ever stop being known (an older tz database). Asked
 * once per zone: finding out builds an Intl.DateTimeFormat, which a board of 120 goals would
 * otherwise do hundreds of times per request.
 */
function knownZone(zone: string): string {
  let k = known.get(zone);
  if (k === undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: zone });
      k = zone;
    } catch {
      k = 'UTC';
    }
    if (known.size < 4000) known.set(zone, k);
  }
  return k;
}

const part = (f: Intl.DateTimeFormat, at: Date, type: Intl.DateTimeFormatPartTypes) => f.formatToParts(at).find((p) => p.type === type)?.value ?? '';

/** "+01:00", "-04:00", "+00:00"; old local mean times (-00:44:30) to the minute, like ISO 8601. */
function offsetOf(zone: string, at: Date): string {
  const name = part(formatter('offset', zone), at, 'timeZoneName').replace(/^(GMT|UTC)/, '').replace(/^([+-]\d\d:\d\d):\d\d$/, '$1');
  return name || '+00:00';
}

/** For embeds: "Tue, 15 Jan 2030, 17:00" and "Europe/Berlin (UTC+01:00)" (or just "UTC"). */
export function zonedDeadline(at: Date | string | number, zone: string): { time: string; zone: string } {
  const date = new Date(at);
  const tz = knownZone(zone);
  return { time: formatter('short', tz).format(date), zone: isUtc(tz) ? 'UTC' : `${tz} (UTC${offsetOf(tz, date)})` };
}

/**
 * For comments: "Tuesday, 15 January 2030 at 17:00 CET (Europe/Berlin, UTC+01:00)", or
 * "… at 16:00 UTC". The abbreviation is shown only when the zone has a real one (EST, CET),
 * not "GMT+1", which would only repeat the offset.
 */
export function deadlineWords(at: Date, zone: string): string {
  const f = formatter('long', zone);
  const day = `${part(f, at, 'weekday')}, ${part(f, at, 'day')} ${part(f, at, 'month')} ${part(f, at, 'year')} at ${part(f, at, 'hour')}:${part(f, at, 'minute')}`;
  if (isUtc(zone)) return `${day} UTC`;
  const abbreviation = part(formatter('abbreviation', zone), at, 'timeZoneName');
  return `${day}${/^[A-Z]{2,5}$/.test(abbreviation) ? ` ${abbreviation}` : ''} (${zone}, UTC${offsetOf(zone, at)})`;
}
