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

/**
 * The deadline as one calendar event.
 *
 * DTSTART is the deadline itself: that is the time a calendar shows first, and the one people
 * must read. DTEND is 15 minutes later rather than equal to DTSTART: zero-length events are
 * legal but several clients (Outlook, some Android calendars) hide or mis-draw them, and a
 * short block ending after the deadline still reads "at 17:00". TRANSP:TRANSPARENT keeps the
 * block from marking anyone busy.
 */
export function renderIcs(view: GoalView, opts: { uid: string; url: string }): string {
  const due = Date.parse(view.due_at);
  const end = new Date(due + 15 * 60_000).toISOString();
  const { time, zone } = zonedDeadline(view.due_at, view.timezone);
  let status = STATE_WORDS[view.state];
  if (view.completed_at && (view.state === 'completed' || view.state === 'completed_late')) {
    const diff = Date.parse(view.completed_at) - due;
    status += ` (${longDuration(diff)} ${diff > 0 ? 'late' : 'early'})`;
  }
  const description = [
    `${view.repo}#${view.issue}: ${view.title}`,
    `Due ${time}, ${zone}`,
    `Status: ${status}${view.tracked ? '' : ' (GitDone no longer tracks this repository)'}`,
    `Keyword: ${view.keyword}`,
    `Issue: ${view.issue_url}`,
    `Live countdown: ${opts.url}`,
  ].join('\n');

  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//GitDone//Deadline embed//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${escapeIcsText(opts.uid)}`,
    `DTSTAMP:${icsUtc(view.now)}`,
    `CREATED:${icsUtc(view.created_at)}`,
    `DTSTART:${icsUtc(view.due_at)}`,
    `DTEND:${icsUtc(end)}`,
    `SUMMARY:${escapeIcsText(`Deadline: ${view.title}`)}`,
    `DESCRIPTION:${escapeIcsText(description)}`,
    // URI values are not TEXT: no escaping, but nothing that could break the line either.
    `URL:${opts.url.replace(/[\u0000-\u0020\u007f]/g, '')}`,
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
  lines.push('END:VEVENT', 'END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
