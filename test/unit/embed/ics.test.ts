import { describe, expect, test } from '@jest/globals';
import ICAL from 'ical.js';
import { escapeIcsText, foldLine, renderIcs } from '../../../src/embed/ics.js';
import { DAY, dueIn, HOSTILE_TITLES, NOW, view } from './fixtures.js';

const OPTS = { uid: 'tok@gitdone.example', url: 'https://gitdone.example/embed/tok' };

function parse(ics: string): ICAL.Component {
  return new ICAL.Component(ICAL.parse(ics));
}

/** What a reader gets back for a title we wrote: controls other than line breaks and bidi overrides dropped. */
function expectedTitle(title: string): string {
  return title
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\t/g, ' ');
}

function assertLines(ics: string): void {
  expect(ics.endsWith('\r\n')).toBe(true);
  expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // no bare CR or LF anywhere
  for (const line of ics.slice(0, -2).split('\r\n')) {
    const bytes = Buffer.from(line, 'utf8');
    expect(bytes.length).toBeLessThanOrEqual(75);
    // Folding never split a character: each physical line is valid UTF-8 by itself.
    expect(Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)).toBe(true);
    expect(line).not.toContain('\ufffd');
  }
}

describe('renderIcs', () => {
  test('a valid VCALENDAR with one VEVENT at the deadline', () => {
    const ics = renderIcs(view(), OPTS);
    assertLines(ics);
    const cal = parse(ics);
    expect(cal.name).toBe('vcalendar');
    expect(cal.getFirstPropertyValue('version')).toBe('2.0');
    expect(cal.getFirstPropertyValue('prodid')).toBe('-//GitDone//Deadline embed//EN');
    expect(cal.getFirstPropertyValue('calscale')).toBe('GREGORIAN');
    expect(cal.getFirstPropertyValue('method')).toBe('PUBLISH');
    const events = cal.getAllSubcomponents('vevent');
    expect(events).toHaveLength(1);
    const ev = events[0]!;
    const event = new ICAL.Event(ev);
    expect(event.uid).toBe(OPTS.uid);
    expect(event.summary).toBe('Deadline: Ship v1');
    expect(event.startDate.toJSDate().toISOString()).toBe('2030-01-15T16:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2030-01-15T16:15:00.000Z');
    expect(ics).toContain('\r\nDTSTART:20300115T160000Z\r\n');
    expect(ics).toContain(`\r\nDTSTAMP:${NOW.toISOString().replace(/[-:]/g, '').replace('.000', '')}\r\n`);
    expect(ev.getFirstPropertyValue('url')).toBe(OPTS.url);
    expect(ev.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(ev.getFirstPropertyValue('transp')).toBe('TRANSPARENT');
    const description = String(ev.getFirstPropertyValue('description'));
    expect(description).toContain('https://github.com/octo/app/issues/12');
    expect(description).toContain('Due Tue, 15 Jan 2030, 17:00, Europe/Berlin (UTC+01:00)');
    expect(description).toContain('Status: on track');
    const alarm = ev.getFirstSubcomponent('valarm');
    expect(alarm?.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect(String(alarm?.getFirstPropertyValue('trigger'))).toBe('-PT1H');
  });

  test.each(HOSTILE_TITLES.map((t) => [JSON.stringify(t).slice(0, 40), t]))('SUMMARY round-trips %s', (_n, title) => {
    const ics = renderIcs(view({ title: title as string }), OPTS);
    assertLines(ics);
    const event = new ICAL.Event(parse(ics).getFirstSubcomponent('vevent')!);
    expect(event.summary).toBe(`Deadline: ${expectedTitle(title as string)}`);
    expect(String(event.description)).toContain(expectedTitle(title as string));
  });

  test('cancelled goals say so, and carry no alarm', () => {
    const ics = renderIcs(view({ status: 'cancelled', cancelledAt: NOW }), OPTS);
    const ev = parse(ics).getFirstSubcomponent('vevent')!;
    expect(ev.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(ev.getFirstSubcomponent('valarm')).toBeNull();
  });

  test('completed goals keep the event, describe the result, and drop the alarm', () => {
    const ics = renderIcs(view({ status: 'completed', completedAt: dueIn(DAY), dueAt: dueIn(3 * DAY) }), OPTS);
    const ev = parse(ics).getFirstSubcomponent('vevent')!;
    expect(ev.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(String(ev.getFirstPropertyValue('description'))).toContain('Status: completed (2 days early)');
    expect(ev.getFirstSubcomponent('valarm')).toBeNull();
  });

  test('untracked goals say GitDone no longer tracks the repository', () => {
    const ics = renderIcs(view({ tracked: false }), OPTS);
    expect(String(parse(ics).getFirstSubcomponent('vevent')!.getFirstPropertyValue('description'))).toContain(
      'GitDone no longer tracks this repository',
    );
  });
});

describe('escapeIcsText and foldLine', () => {
  test('RFC 5545 TEXT escapes', () => {
    expect(escapeIcsText('a\\b;c,d\ne\r\nf\tg\u0000h')).toBe('a\\\\b\\;c\\,d\\ne\\nf gh');
  });
  test('folds at 75 octets without splitting multi-byte characters', () => {
    for (const s of ['x'.repeat(200), '部'.repeat(100), 'a🚀'.repeat(60), 'é'.repeat(150)]) {
      const folded = foldLine(`SUMMARY:${s}`);
      const lines = folded.split('\r\n');
      expect(lines.length).toBeGreaterThan(1);
      for (const [i, line] of lines.entries()) {
        expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
        if (i > 0) expect(line.startsWith(' ')).toBe(true);
      }
      expect(lines.map((l, i) => (i ? l.slice(1) : l)).join('')).toBe(`SUMMARY:${s}`);
    }
    expect(foldLine('short')).toBe('short');
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
  });
});
