import { describe, test, expect } from '@jest/globals';
import fc from 'fast-check';
import { parseCommands } from '../../../src/commands/parse.js';
import { parseWhen } from '../../../src/time/when.js';
import { keywordError, slugify, uniqueKeyword } from '../../../src/goals/keyword.js';
import { messageHasKeyword } from '../../../src/goals/match.js';

const now = new Date('2030-01-10T12:00:00Z');
const ZONES = ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Auckland', 'Australia/Lord_Howe', 'Mars/Base'];

/** Text with plenty of the characters that matter to the parser. */
const markdownish = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('/deadline', '/DEADLINE ', '/deadlines', ' ', '\n', '\r\n', '\r', '```', '~~~', '> ', '<!--', '-->',
        'keyword=', 'tz=', 'list', 'move', 'done', 'cancel', 'help', 'remove', 'tomorrow', '2030-01-15', '\t'),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('parseCommands properties', () => {
  test('never throws; every result is ok with a command or refused with a reason and a usage', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), markdownish), (body) => {
        const lines = parseCommands(body);
        let previous = 0;
        for (const l of lines) {
          expect(l.line).toBeGreaterThan(previous);
          previous = l.line;
          expect(l.source).toMatch(/^\/deadline/i);
          if (l.ok) expect(typeof l.command.kind).toBe('string');
          else {
            expect(l.error.length).toBeGreaterThan(0);
            expect(l.usage).toMatch(/^\/deadline/);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  test('every /deadline line outside code, quotes and comments gives exactly one result, with its line number', () => {
    // Plain lines: no fence, quote or HTML-comment characters.
    const plainLine = fc.string({ maxLength: 30 }).map((s) => s.replace(/[`~><\r\n]/g, ''));
    const line = fc.oneof(
      plainLine.map((s) => ({ text: s, command: false })),
      fc.tuple(fc.constantFrom('', ' ', '  ', '\t'), fc.constantFrom('/deadline', '/Deadline', '/DEADLINE'), plainLine).map(([ws, cmd, rest]) => ({
        text: `${ws}${cmd}${rest && !/^\s/.test(rest) ? ' ' : ''}${rest}`,
        command: true,
      })),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const parsed = parseCommands(lines.map((l) => l.text).join(eol));
        const expected = lines.flatMap((l, i) => (l.command ? [i + 1] : []));
        // A plain line may itself start with /deadline by chance: count those too.
        const alsoCommands = lines.flatMap((l, i) => (!l.command && /^\s*\/deadline(\s|$)/i.test(l.text) ? [i + 1] : []));
        expect(parsed.map((p) => p.line)).toEqual([...expected, ...alsoCommands].sort((a, b) => a - b));
        for (const p of parsed) {
          if (!p.ok) expect(p.error).not.toBe('');
        }
      }),
      { numRuns: 300 },
    );
  });

  test('nothing inside a closed fence is read', () => {
    fc.assert(
      fc.property(fc.constantFrom('```', '~~~', '````'), fc.array(fc.string({ maxLength: 20 }), { maxLength: 10 }), (fence, inner) => {
        const innerLines = inner.map((s) => `/deadline ${s.replace(/[`~\r\n]/g, '')}`);
        expect(parseCommands([fence, ...innerLines, fence].join('\n'))).toEqual([]);
      }),
    );
  });
});

describe('parseWhen properties', () => {
  test('never throws; returns a valid instant or an error message', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc
        .array(
          fc.constantFrom('tomorrow', 'next', 'friday', 'in', '3', 'days', '2h', '5pm', '17:00', '2030-01-15', 'T', 'Z', '+02:00',
            'Dec', '24', 'at', 'noon', 'ago', 'last', '-', ':', ' ', '2028-02-29', '25:00', 'EST', 'UTC', '/', '.', 'Ship v1'),
          { maxLength: 8 },
        )
        .map((w) => w.join(' ')),
    );
    const at = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(text, fc.constantFrom(...ZONES), at, (t, zone, when) => {
        const r = parseWhen(t, { now: when, zone });
        if (r.ok) {
          expect(Number.isNaN(r.dueAt.getTime())).toBe(false);
          expect(typeof r.rest).toBe('string');
          expect(r.rest).toBe(r.rest.trim());
        } else {
          expect(r.error.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('an ISO date-time with Z is read exactly, whatever the zone', () => {
    const instant = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES.slice(0, -1)), (d, zone) => {
        const iso = d.toISOString().slice(0, 19) + 'Z';
        const r = parseWhen(`${iso} title`, { now, zone });
        expect(r.ok && r.dueAt.toISOString()).toBe(iso.replace('Z', '.000Z'));
      }),
    );
  });
});

describe('keyword properties', () => {
  const keyword = fc
    .stringMatching(/^[A-Za-z0-9_.#/:-]{2,64}$/)
    .filter((k) => keywordError(k) === null);
  const separator = fc.constantFrom(' ', '\n', '(', ')', '[', ']', ',', '"', "'", '\t', '!', '?', ';');
  const surrounding = fc.string({ maxLength: 30 });

  test('a valid keyword surrounded by separators is found, in any ASCII case', () => {
    fc.assert(
      fc.property(keyword, surrounding, separator, separator, surrounding, fc.boolean(), (k, before, s1, s2, after, upper) => {
        const shown = upper ? k.toUpperCase() : k;
        expect(messageHasKeyword(`${before}${s1}${shown}${s2}${after}`, k)).toBe(true);
        expect(messageHasKeyword(shown, k)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('a keyword glued to letters on both sides is not found', () => {
    fc.assert(
      fc.property(keyword.filter((k) => !/q/i.test(k)), (k) => {
        expect(messageHasKeyword(`q${k}q`, k)).toBe(false);
      }),
    );
  });

  test('slugify and uniqueKeyword always give valid keywords', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(fc.string({ maxLength: 70 }), { maxLength: 5 }), (title, taken) => {
        const slug = slugify(title);
        expect(keywordError(slug)).toBeNull();
        const set = new Set([slug, ...taken]);
        const unique = uniqueKeyword(slug, set);
        expect(keywordError(unique)).toBeNull();
        expect([...set].map((t) => t.toLowerCase())).not.toContain(unique.toLowerCase());
      }),
    );
  });
});
