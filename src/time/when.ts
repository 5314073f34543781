/**
 * Reads the `<when>` of a command: a date/time phrase at the start of a text, in an IANA
 * zone, relative to a given instant. Pure: no clock, no process `TZ`.
 *
 * - ISO 8601 (`2030-01-15`, `2030-01-15 17:00`, `2030-01-15T17:00:30`, with `Z`, `UTC`,
 *   `+02:00`, `+0200` or `+02`) is read here, strictly (an impossible date is refused).
 * - Anything else goes to chrono-node (English, casual), `forwardDate: true`.
 *   chrono does its arithmetic with local-time `Date` getters, so it is handed a reference
 *   whose *local* fields are the zone's wall clock, and only the wall-clock *components*
 *   of its answer are used; luxon turns them into an instant in the zone. The process's
 *   `TZ` therefore does not matter (except for a wall-clock reference that falls into a
 *   DST gap of the process's own zone, where `Date` cannot represent it: at most one hour
 *   a year, and never with `TZ=UTC`).
 * - Wall-clock times that do not exist (spring-forward gap) move forward by the gap, as
 *   luxon does (`02:30` → `03:30`); times that exist twice (fall-back) are the earlier
 *   instant (the one before the clocks go back).
 */
import * as chrono from 'chrono-node/en';
import type { ParsedResult } from 'chrono-node/en';
import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';
import { quote } from '../markdown/inert.js';
import { isValidZone } from './zones.js';

export type WhenResult =
  | {
      ok: true;
      dueAt: Date;
      /** The words after the date (the title of a new goal), separators dropped. */
      rest: string;
      /** The words read as the date, as written. */
      matched: string;
      dateOnly: boolean;
      /**
       * The deadline was counted from the reference instant (`in 2h`, `tomorrow`, `friday 5pm`,
       * `Dec 24`): read at another moment, the same words could mean another deadline. False for
       * ISO dates and for natural dates that name their day, month and year.
       */
      fromNow: boolean;
    }
  | { ok: false; error: string };

/** Forms shown to people whose `<when>` could not be read. */
export const WHEN_EXAMPLES = [
  '2030-01-15',
  '2030-01-15 17:00',
  '2030-01-15T17:00+02:00',
  'tomorrow 5pm',
  'next friday 17:00',
  'in 3 days',
  'in 2h',
  'Dec 24 at 18:00',
] as const;

const EXAMPLES_TEXT = WHEN_EXAMPLES.map((e) => '`' + e + '`').join(', ');

/** A date without a time means this wall-clock time of that day. */
export const END_OF_DAY = { hour: 23, minute: 59 } as const;

/** null when fine, else a human reason: in the past, or more than 10 years ahead. */
export function checkDueRange(dueAt: Date, now: Date): string | null {
  const due = dueAt.getTime();
  if (Number.isNaN(due)) return 'The deadline is not a valid date.';
  if (due <= now.getTime()) {
    return `The deadline ${fmtUtc(dueAt)} is in the past (it is now ${fmtUtc(now)}).`;
  }
  const max = DateTime.fromJSDate(now, { zone: 'UTC' }).plus({ years: 10 }).toMillis();
  if (due > max) return `The deadline ${fmtUtc(dueAt)} is more than 10 years ahead.`;
  return null;
}

function fmtUtc(d: Date): string {
  return DateTime.fromJSDate(d, { zone: 'UTC' }).toFormat("yyyy-MM-dd HH:mm 'UTC'");
}

function unreadable(text: string, detail?: string): WhenResult {
  const why = detail ? `${detail}. ` : '';
  return {
    ok: false,
    error: `Could not read a date at the start of ${quote(text, { max: 60 })}. ${why}Put the date first, for example: ${EXAMPLES_TEXT}.`,
  };
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/**
 * The instant of a wall-clock time in an IANA zone. Gap (the time does not exist) →
 * shifted forward by the gap, as luxon does. Overlap (the time exists twice) → the
 * earlier instant. null when the fields are not a valid date/time.
 */
export function wallToInstant(wall: Wall, zone: string): Date | null {
  const dt = DateTime.fromObject(wall, { zone });
  if (!dt.isValid) return null;
  const z = IANAZone.create(zone);
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
  let best: number | null = null;
  const day = 86_400_000;
  for (const probe of [naive - day, naive, naive + day]) {
    const offset = z.offset(probe);
    const ts = naive - offset * 60_000;
    if (z.offset(ts) === offset && (best === null || ts < best)) best = ts;
  }
  return new Date(best ?? dt.toMillis());
}

function wallOf(now: Date, zone: string): Wall {
  const z = DateTime.fromJSDate(now, { zone });
  return { year: z.year, month: z.month, day: z.day, hour: z.hour, minute: z.minute, second: z.second, millisecond: z.millisecond };
}

/** A `Date` whose local-time fields (whatever the process TZ) show `wall`. */
function fakeLocal(wall: Wall): Date {
  const d = new Date(2000, 0, 1, 0, 0, 0, 0);
  d.setFullYear(wall.year, wall.month - 1, wall.day);
  d.setHours(wall.hour, wall.minute, wall.second, wall.millisecond);
  return d;
}

/** The local-time fields of a `Date` (what chrono sees). */
function localWall(d: Date): Wall {
  return {
    year: d.getFullYear(),
    month: d.getMonth() + 1,
    day: d.getDate(),
    hour: d.getHours(),
    minute: d.getMinutes(),
    second: d.getSeconds(),
    millisecond: d.getMilliseconds(),
  };
}

function fromNaiveMs(ms: number): Wall {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

function naiveMs(w: Wall): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return d.getTime();
}

// yyyy-mm-dd, then optionally a time (T or spaces) with optional seconds/fraction and offset.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:(?:T|\s+)(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s?(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?)?(?=$|[\s,;:)])/i;
const LOOKS_ISO = /^\d{4}-\d{1,2}-\d{1,2}/;
/** After a successful read, a rest that starts like a time means the time was not understood. */
const TIME_LIKE = /^(?:at\s+)?\d{1,2}(?::\d|\.\d\d(?!\d)|\s*[ap]\.?m\b)/i;
const LEADING_SEPARATORS = /^[\s,;:|–—-]+/u;
const WORD_CHAR = /[\p{L}\p{N}_]/u;
const PAST_WORDS = /\b(?:last|ago|previous|yesterday)\b/i;
const CASUAL_TIME_TAGS = ['noon', 'morning', 'afternoon', 'evening', 'tonight', 'midnight'].map((t) => `casualReference/${t}`);

function parseOffset(raw: string): number {
  const s = raw.toUpperCase();
  if (s === 'Z' || s === 'UTC' || s === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(s);
  if (!m) return NaN;
  const h = Number(m[2]);
  const min = Number(m[3] ?? '0');
  if (h > 14 || min > 59) return NaN;
  return (m[1] === '-' ? -1 : 1) * (h * 60 + min);
}

function finish(dueAt: Date, matched: string, restRaw: string, dateOnly: boolean, fromNow: boolean): WhenResult {
  const rest = restRaw.replace(LEADING_SEPARATORS, '').trim();
  if (TIME_LIKE.test(rest)) {
    const shown = /^(?:at\s+)?\S+/i.exec(rest)?.[0] ?? rest;
    return unreadable(`${matched} ${rest}`, `${quote(shown)} does not look like a valid time`);
  }
  return { ok: true, dueAt, rest, matched, dateOnly, fromNow };
}

/** A time of day (and optional zone) read by chrono at the very start of `text`, without a date. */
function leadingTime(text: string, ref: Date): { hour: number; minute: number; second: number; offset: number | null; length: number } | null {
  const r = chrono.casual.parse(text, ref, { forwardDate: true })[0];
  if (!r || r.index !== 0 || r.end) return null;
  const s = r.start;
  if (!s.isCertain('hour') || s.isCertain('day') || s.isCertain('weekday') || s.isCertain('month') || s.isCertain('year')) return null;
  const after = text.charAt(r.text.length);
  if (after && WORD_CHAR.test(after)) return null;
  return {
    hour: s.get('hour') ?? 0,
    minute: s.get('minute') ?? 0,
    second: s.get('second') ?? 0,
    offset: s.isCertain('timezoneOffset') ? s.get('timezoneOffset') : null,
    length: r.text.length,
  };
}

function instantIn(wall: Wall, zone: string, offset: number | null): Date | null {
  if (offset === null) return wallToInstant(wall, zone);
  const dt = DateTime.fromObject(wall, { zone: FixedOffsetZone.instance(offset) });
  return dt.isValid ? dt.toJSDate() : null;
}

function parseIso(text: string, opts: { now: Date; zone: string }): WhenResult {
  const m = ISO.exec(text);
  if (!m) return parseNatural(text, opts); // e.g. `2030-1-5`, which chrono reads
  const [all, y, mo, d, h, mi, s, frac, off] = m;
  const wall: Wall = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: h === undefined ? END_OF_DAY.hour : Number(h),
    minute: mi === undefined ? END_OF_DAY.minute : Number(mi),
    second: s === undefined ? 0 : Number(s),
    millisecond: frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000),
  };
  const dateStr = `${y}-${mo}-${d}`;
  if (!DateTime.fromObject({ year: wall.year, month: wall.month, day: wall.day }, { zone: 'UTC' }).isValid) {
    return unreadable(text, `${quote(dateStr)} is not a date on the calendar`);
  }
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
    return unreadable(text, `${quote(all.trim())} is not a valid time of day (00:00–23:59)`);
  }
  let rest = text.slice(all.length);
  let matched = all;
  let dateOnly = h === undefined;
  let offset: number | null = null;
  if (off !== undefined) {
    offset = parseOffset(off);
    if (Number.isNaN(offset)) return unreadable(text, `${quote(off)} is not a valid UTC offset`);
  }
  if (dateOnly) {
    // `2030-01-15 5pm`, `2030-01-15 at 17:30 UTC`: a date, then a time chrono can read.
    const restTrim = rest.trimStart();
    const t = restTrim ? leadingTime(restTrim, fakeLocal(wallOf(opts.now, opts.zone))) : null;
    if (t) {
      wall.hour = t.hour;
      wall.minute = t.minute;
      wall.second = t.second;
      offset = t.offset;
      dateOnly = false;
      const consumed = rest.length - restTrim.length + t.length;
      matched = all + rest.slice(0, consumed);
      rest = rest.slice(consumed);
    }
  }
  const dueAt = instantIn(wall, opts.zone, offset);
  if (!dueAt) return unreadable(text, `${quote(matched.trim())} is not a valid date and time`);
  return finish(dueAt, matched.trim(), rest, dateOnly, false);
}

function ambiguousSlashDate(r: ParsedResult): string | null {
  if (!r.tags().has('parser/SlashDateFormatParser')) return null;
  const m = /^(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{2,4}))?/.exec(r.text);
  if (!m) return null;
  const a = Number(m[1]);
  const b = Number(m[3]);
  if (a === b || a > 12 || b > 12) return null;
  const year = m[4] ?? String(r.start.get('year') ?? '');
  const y = year.length === 2 ? `20${year}` : year;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${quote(m[0])} could be ${y}-${p(a)}-${p(b)} or ${y}-${p(b)}-${p(a)}; write it as yyyy-mm-dd`;
}

function parseNatural(text: string, opts: { now: Date; zone: string }): WhenResult {
  const refWall = wallOf(opts.now, opts.zone);
  const ref = fakeLocal(refWall);
  // What chrono takes as "now": equal to refWall unless refWall falls into a DST gap of
  // the process's own zone. Relative phrases are measured from it, so that case is exact too.
  const chronoNow = naiveMs(localWall(ref));
  let results: ParsedResult[];
  try {
    results = chrono.casual.parse(text, ref, { forwardDate: true });
  } catch {
    return unreadable(text);
  }
  const r = results[0];
  if (!r || r.index !== 0) return unreadable(text);
  const after = text.charAt(r.text.length);
  if (after && WORD_CHAR.test(after)) return unreadable(text);
  if (r.end) return unreadable(text, `${quote(r.text)} is a range; give one moment`);
  if (PAST_WORDS.test(r.text)) return unreadable(text, `${quote(r.text)} refers to the past`);
  const ambiguous = ambiguousSlashDate(r);
  if (ambiguous) return unreadable(text, ambiguous);

  const s = r.start;
  const tags = r.tags();
  const relative = tags.has('result/relativeDate');
  if (relative) {
    // `in 2h Two hours`: chrono reads a unit named twice as one duration, the second value
    // replacing the first, and the title is gone. A unit named again starts the title instead.
    const cut = repeatedUnitAt(r.text);
    if (cut !== null) {
      const head = parseNatural(text.slice(0, cut), opts);
      if (!head.ok) return head;
      return finish(head.dueAt, head.matched, text.slice(head.matched.length), head.dateOnly, head.fromNow);
    }
  }
  if (!relative && s.isCertain('month') && !s.isCertain('day')) {
    return unreadable(text, `${quote(r.text)} names a month but not a day`);
  }
  const get = (c: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond'): number => s.get(c) ?? 0;
  let wall: Wall = {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
    millisecond: get('millisecond'),
  };

  // "in 2h", "in 90 minutes", "now": a duration from now, on the absolute time line.
  if (tags.has('result/relativeDateAndTime') || tags.has('casualReference/now')) {
    const due = new Date(opts.now.getTime() + (naiveMs(wall) - chronoNow));
    return finish(due, r.text, text.slice(r.text.length), false, true);
  }
  // "in 3 days", "next week": the same wall-clock time that many days on, in the zone.
  if (relative) wall = fromNaiveMs(naiveMs(refWall) + (naiveMs(wall) - chronoNow));

  const hasTime = s.isCertain('hour') || relative || CASUAL_TIME_TAGS.some((t) => tags.has(t));
  if (!hasTime) {
    wall.hour = END_OF_DAY.hour;
    wall.minute = END_OF_DAY.minute;
    wall.second = 0;
    wall.millisecond = 0;
  } else if (!relative) {
    wall.millisecond = 0;
  }
  const offset = s.isCertain('timezoneOffset') ? s.get('timezoneOffset') : null;
  const dueAt = instantIn(wall, opts.zone, offset);
  if (!dueAt) return unreadable(text, `${quote(r.text)} is not a valid date`);
  // chrono marks "tomorrow" certain too: only a year written out names the day for good.
  const namesItsDay = s.isCertain('year') && s.isCertain('month') && s.isCertain('day') && /\b\d{4}\b/.test(r.text);
  return finish(dueAt, r.text, text.slice(r.text.length), !hasTime, relative || !namesItsDay);
}

/**
 * The units chrono's English durations know (its `TIME_UNIT_DICTIONARY`, which it does not
 * export), by the unit they stand for.
 */
const DURATION_UNITS: Record<string, string> = {
  s: 'second', sec: 'second', second: 'second', seconds: 'second',
  m: 'minute', min: 'minute', mins: 'minute', minute: 'minute', minutes: 'minute',
  h: 'hour', hr: 'hour', hrs: 'hour', hour: 'hour', hours: 'hour',
  d: 'day', day: 'day', days: 'day',
  w: 'week', week: 'week', weeks: 'week',
  mo: 'month', mon: 'month', mos: 'month', month: 'month', months: 'month',
  qtr: 'quarter', quarter: 'quarter', quarters: 'quarter',
  y: 'year', yr: 'year', year: 'year', years: 'year',
};

/**
 * Where a relative phrase names a unit it already named (`in 2h Two hours`, `in 2 days 3 days`):
 * the end of the unit word before that one, or null when every unit is named once.
 */
export function repeatedUnitAt(phrase: string): number | null {
  const seen = new Set<string>();
  let lastEnd: number | null = null;
  for (const m of phrase.matchAll(/\p{L}+/gu)) {
    const unit = Object.hasOwn(DURATION_UNITS, m[0].toLowerCase()) ? DURATION_UNITS[m[0].toLowerCase()] : undefined;
    if (unit === undefined) continue;
    if (seen.has(unit) && lastEnd !== null) return lastEnd;
    seen.add(unit);
    lastEnd = m.index + m[0].length;
  }
  return null;
}

/**
 * Reads a date/time phrase at the START of `text` (ISO 8601 or natural), in IANA zone
 * `zone`, relative to `now`. `rest` = the remaining text (the title), trimmed, with
 * leading separators (`:`, `-`, `,`, `|`) removed. An explicit offset/Z in the text wins
 * over `zone`. A date without time = 23:59 of that day in the zone. Never throws.
 */
export function parseWhen(text: string, opts: { now: Date; zone: string }): WhenResult {
  try {
    if (!isValidZone(opts.zone)) {
      return { ok: false, error: `Unknown time zone ${quote(opts.zone)}: use an IANA name such as Europe/Berlin, America/New_York or UTC.` };
    }
    if (Number.isNaN(opts.now.getTime())) return { ok: false, error: 'Invalid reference time.' };
    const src = text.trim();
    if (!src) return { ok: false, error: `A date is missing. Put it first, for example: ${EXAMPLES_TEXT}.` };
    if (LOOKS_ISO.test(src)) return parseIso(src, opts);
    return parseNatural(src, opts);
  } catch {
    // chrono or luxon choking on an odd input must not take the command runner down.
    return unreadable(text);
  }
}
