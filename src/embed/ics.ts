import type { GoalView } from './view.js';
import { LONE_SURROGATE } from '../text/unicode.js';
import { longDuration } from '../time/durations.js';
import { zonedDeadline } from '../time/deadline.js';

const CRLF = '\r\n';
const MAX_OCTETS = 75;

/**
 * TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks.
 * Other control characters are not allowed in TEXT and are dropped (a tab becomes a space),
 * as are bidi overrides, which no calendar isolates.
 */
export function escapeIcsText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\t/g, ' ')
    .replace(/[\\;,\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1): continuation lines start with one space,
 * and a multi-byte UTF-8 character is never split.
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_OCTETS) return line;
  const out: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_OCTETS;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (octets + n > limit) {
      out.push(current);
      current = ' ';
      octets = 1;
      limit = MAX_OCTETS;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join(CRLF);
}

/** 2030-01-15T17:00:00.000Z → 20300115T170000Z */
function icsUtc(iso: string): string {
  return new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

const STATE_WORDS: Record<GoalView['state'], string> = {
  on_track: 'on track',
  due_soon: 'due soon',
  overdue: 'overdue',
  completed: 'completed',
  completed_late: 'completed late',
  cancelled: 'cancelled',
};

export interface EventOptions {
  /** Stable across edits: a calendar updates the event with this UID instead of adding one. */
  uid: string;
  /** The event's URL property. */
  url: string;
  /** The description's last line: where to see it live (default: "Live countdown: <url>"). */
  link?: { label: string; url: string };
}

/**
 * One goal as a VEVENT (its content lines, unfolded).
 *
 * DTSTART is the deadline itself: that is the time a calendar shows first, and the one people
 * must read. DTEND is 15 minutes later rather than equal to DTSTART: zero-length events are
 * legal but several clients (Outlook, some Android calendars) hide or mis-draw them, and a
 * short block ending after the deadline still reads "at 17:00". TRANSP:TRANSPARENT keeps the
 * block from marking anyone busy.
 */
function eventLines(view: GoalView, opts: EventOptions): string[] {
  const due = Date.parse(view.due_at);
  const end = new Date(due + 15 * 60_000).toISOString();
  const { time, zone } = zonedDeadline(view.due_at, view.timezone);
  let status = STATE_WORDS[view.state];
  if (view.completed_at && (view.state === 'completed' || view.state === 'completed_late')) {
    const diff = Date.parse(view.completed_at) - due;
    status += ` (${longDuration(diff)} ${diff > 0 ? 'late' : 'early'})`;
  }
  const link = opts.link ?? { label: 'Live countdown', url: opts.url };
  const description = [
    `${view.repo}#${view.issue}: ${view.title}`,
    `Due ${time}, ${zone}`,
    `Status: ${status}${view.tracked ? '' : ' (GitDone no longer tracks this repository)'}`,
    `Keyword: ${view.keyword}`,
    `Issue: ${view.issue_url}`,
    `${link.label}: ${link.url}`,
  ].join('\n');

  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeIcsText(opts.uid)}`,
    `DTSTAMP:${icsUtc(view.now)}`,
    `CREATED:${icsUtc(view.created_at)}`,
    `DTSTART:${icsUtc(view.due_at)}`,
    `DTEND:${icsUtc(end)}`,
    `SUMMARY:${escapeIcsText(`Deadline: ${view.title}`)}`,
    `DESCRIPTION:${escapeIcsText(description)}`,
    // URI values are not TEXT: no escaping, but nothing that could break the line either.
    `URL:${uri(opts.url)}`,
    `STATUS:${view.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:TRANSPARENT',
  ];
  if (view.status === 'active' && view.tracked) {
    lines.push(
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      `DESCRIPTION:${escapeIcsText(`Due in 1 hour: ${view.title}`)}`,
      'TRIGGER:-PT1H',
      'END:VALARM',
    );
  }
  lines.push('END:VEVENT');
  return lines;
}

const uri = (url: string) => url.replace(/[\u0000-\u0020\u007f]/g, '');

function calendar(prodid: string, props: string[], events: string[][]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${prodid}`, 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', ...props, ...events.flat(), 'END:VCALENDAR'];
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** The deadline as one calendar event (`/embed/<token>.ics`). */
export function renderIcs(view: GoalView, opts: EventOptions): string {
  return calendar('-//GitDone//Deadline embed//EN', [], [eventLines(view, opts)]);
}

/** Calendar properties for a feed that is subscribed to: its name, and how often to look again (RFC 7986). */
function feedProps(name: string, description: string): string[] {
  return [
    `NAME:${escapeIcsText(name)}`,
    `X-WR-CALNAME:${escapeIcsText(name)}`,
    `DESCRIPTION:${escapeIcsText(description)}`,
    `X-WR-CALDESC:${escapeIcsText(description)}`,
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
  ];
}

/**
 * A repository's active goals as one feed (`/board/<token>.ics`): one event per goal, each
 * with a UID of its own that never changes, so that a subscribed calendar moves an event when
 * its goal moves and drops it once the goal is done or cancelled (it is then left out). With
 * no active goal it is a calendar with no event, which calendars read as "nothing to show".
 */
export function renderIcsFeed(
  items: ReadonlyArray<{ view: GoalView } & EventOptions>,
  opts: { name: string; url: string },
): string {
  return calendar(
    '-//GitDone//Board feed//EN',
    feedProps(`Deadlines · ${opts.name}`, `The active GitDone deadlines of ${opts.name}. Board: ${opts.url}`),
    items.map(({ view, ...event }) => eventLines(view, event)),
  );
}

/** A calendar with no event that says why (a withdrawn or unknown link): what a calendar app can show. */
export function renderIcsError(message: string): string {
  return calendar('-//GitDone//Deadline embed//EN', feedProps('GitDone: ' + message, message), []);
}
