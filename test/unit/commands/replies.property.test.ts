import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseCommands } from '../../../src/commands/parse.js';
import { selectLines } from '../../../src/commands/select.js';
import { parseWhen } from '../../../src/time/when.js';
import { slugify } from '../../../src/goals/keyword.js';
import { quote } from '../../../src/markdown/inert.js';
import * as bodies from '../../../src/notices/bodies.js';
import { composeReply, COMMENT_MAX, MARKER_ROOM } from '../../../src/notices/reply.js';
import { activeParts } from '../../helpers/markdown.js';
import { goal, NOW } from '../embed/fixtures.js';

const PUBLIC_URL = 'https://gitdone.test';
const OURS = { hrefs: [PUBLIC_URL, 'https://github.com/'] };

/** Fragments an attacker would try, mixed with any Unicode at all. */
const hostile = fc.constantFrom(
  '@octo/team', '@everyone', '![x](http://evil.example/t.png)', '<img src=x onerror=alert(1)>', '<details open>', '#12',
  'octo/other#3', 'GH-7', 'http://evil.example/a', 'www.evil.example', 'fixes #1', '`', '```', '|', '\\', '&#64;x', ':tada:',
  '<!--', '-->', '\u202e', '\u2028', '\u0000', '\ud800', '[a](javascript:alert(1))', '**', '_', '~~~', '>',
);
const words = fc.constantFrom('/deadline', 'tomorrow', '2030-01-15', '17:00', 'in 2h', 'keyword=', 'tz=', 'move', 'done', 'cancel',
  'list', 'help', 'remove', 'Europe/Berlin', 'ship-v1', ' ', '\n', '\r\n', '\t');
const body = fc
  .array(fc.oneof(hostile, words, fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 12 })), { maxLength: 40 })
  .map((parts) => parts.join(' ').replace(/(^|\n) ?\/deadline/g, '$1/deadline'));

/** Every reply the pure part of a comment's handling can produce for `text`. */
function repliesFor(text: string): string[] {
  const { run } = selectLines(parseCommands(text));
  const out: string[] = [];
  for (const line of run) {
    if (!line.ok) {
      out.push(bodies.refusal(quote(line.source, { max: 100 }), line.error, line.usage));
      continue;
    }
    const cmd = line.command;
    if (cmd.kind === 'create' || cmd.kind === 'move') {
      const when = parseWhen(cmd.kind === 'create' ? cmd.text : cmd.args, { now: NOW, zone: cmd.tz ?? 'UTC' });
      if (!when.ok) {
        out.push(bodies.refusal(quote(line.source, { max: 100 }), when.error, 'usage'));
        continue;
      }
      const title = when.rest.slice(0, 200) || 'Issue title';
      const g = goal({ title, keyword: cmd.kind === 'create' ? (cmd.keyword ?? slugify(title)) : 'ship-v1', createdBy: 'alice', completedAuthor: title });
      // Written long before it is read, so that the reply says so too.
      const read = { date: when.matched, title: when.rest, fromNow: when.fromNow, writtenAt: new Date(NOW.getTime() - 3600_000) };
      out.push(bodies.createdReply(g, { publicUrl: PUBLIC_URL, githubUrl: 'https://github.com', now: NOW, branches: [title], defaultBranch: title, read }));
      out.push(bodies.movedReply(g, NOW, read), bodies.cancelledReply(g), bodies.listReply([g], 1, 'issue', NOW, PUBLIC_URL));
      out.push(bodies.completedNotice({ ...g, completedVia: 'commit', completedSha: 'abcdef1234567', completedAt: NOW }, 'https://github.com'));
      out.push(bodies.reminderNotice(g, NOW, PUBLIC_URL), bodies.overdueNotice(g, PUBLIC_URL));
    }
  }
  return out;
}

describe('replies to arbitrary comments', () => {
  test('never crash, and nothing the user wrote is live in them', () => {
    fc.assert(
      fc.property(body, (text) => {
        for (const reply of repliesFor(text)) {
          // The reminder mentions its creator on purpose (a GitHub login, checked).
          expect(activeParts(reply, { ...OURS, allow: [/@alice\b/] })).toEqual([]);
        }
      }),
      { numRuns: Number(process.env.GITDONE_PROPERTY_RUNS ?? 2000) },
    );
  });

  test('a title with every trick in it', () => {
    const title = '@octo/team ![x](http://evil.example/t.png) <b>hi</b> #12 www.evil.example `x` | y';
    const g = goal({ title, completedAuthor: '@octo/team', createdBy: 'alice' });
    const read = { date: title, title, fromNow: true, writtenAt: NOW };
    for (const reply of [bodies.createdReply(g, { publicUrl: PUBLIC_URL, githubUrl: 'https://github.com', now: NOW, branches: [], defaultBranch: 'main', read }),
      bodies.movedReply(g, NOW, read),
      bodies.listReply([g], 1, 'issue', NOW, PUBLIC_URL), bodies.completedNotice({ ...g, completedVia: 'command', completedAt: NOW }, 'https://github.com'),
      bodies.reminderNotice(g, NOW, PUBLIC_URL)]) {
      expect(activeParts(reply, { ...OURS, allow: [/@alice\b/] })).toEqual([]);
    }
  });

  test('a creator whose name is not a plain login is shown, not mentioned', () => {
    expect(bodies.mention('alice')).toBe('@alice');
    expect(bodies.mention('dependabot[bot]')).toBe('@dependabot[bot]');
    expect(bodies.mention('octo/team')).toBe('`octo/team`');
  });
});

describe('what a create or move reply says it read', () => {
  const anyWords = fc.oneof(
    fc.array(fc.oneof(hostile, words, fc.string({ unit: 'grapheme', maxLength: 12 })), { maxLength: 30 }).map((p) => p.join(' ')),
    fc.string({ unit: 'binary', maxLength: 400 }),
  );

  test('quotes any date words and title inertly, on one line', () => {
    fc.assert(
      fc.property(anyWords, anyWords, fc.boolean(), fc.integer({ min: 0, max: 30 * 86_400_000 }), (date, title, fromNow, lateMs) => {
        const read = { date, title, fromNow, writtenAt: new Date(NOW.getTime() - lateMs) };
        const line = bodies.readWords(read, NOW);
        expect(line).not.toMatch(/[\r\n\u2028\u2029]/);
        const g = goal({ title: Array.from(title).slice(0, 200).join('') || 'Issue title', createdBy: 'alice' });
        const created = bodies.createdReply(g, { publicUrl: PUBLIC_URL, githubUrl: 'https://github.com', now: NOW, branches: [], defaultBranch: 'main', read });
        for (const reply of [line, created, bodies.movedReply(g, NOW, read)]) {
          expect(activeParts(reply, OURS)).toEqual([]);
        }
      }),
      { numRuns: Number(process.env.GITDONE_PROPERTY_RUNS ?? 300) },
    );
  });

  test('says "in 2 hours" for "in 2h" answered a moment later, and names both parts', () => {
    const written = new Date(NOW.getTime() - 3000);
    const line = bodies.readWords({ date: 'in 2h', title: 'Two hours', fromNow: true, writtenAt: written }, NOW);
    expect(line).toBe('Read `in 2h` as the date and `Two hours` as the title.');
    expect(bodies.readWords({ date: 'in 2h Two hours', title: '', fromNow: true, writtenAt: written }, NOW)).toContain("no words were left for a title, so it is the issue's");
  });

  test('a phrase counted from its comment says so once it is more than 10 minutes old', () => {
    const at = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
    expect(bodies.readWords({ date: 'in 2h', title: 'x', fromNow: true, writtenAt: at(9) }, NOW)).not.toContain('relative');
    expect(bodies.readWords({ date: 'in 2h', title: 'x', fromNow: true, writtenAt: at(14) }, NOW)).toContain(
      'The date was read relative to when you wrote it, 14 minutes ago.',
    );
    // An absolute date means the same whenever it is read.
    expect(bodies.readWords({ date: '2030-01-15', title: 'x', fromNow: false, writtenAt: at(600) }, NOW)).not.toContain('relative');
  });
});

describe('the size of a reply', () => {
  test('the largest list fits, with ten of the largest other answers', () => {
    const worst = goal({ title: '|'.repeat(200), keyword: 'k'.repeat(64), timezone: 'America/Argentina/ComodRivadavia' });
    const list = bodies.listReply(Array.from({ length: bodies.LIST_MAX }, () => worst), 100_000, 'repository', NOW, PUBLIC_URL);
    expect(list).toContain('…and 99950 more.');
    const created = bodies.createdReply(goal({ title: '@'.repeat(200), keyword: 'k'.repeat(64) }), {
      publicUrl: PUBLIC_URL, githubUrl: 'https://github.com', now: NOW, branches: Array(100).fill('b'.repeat(200)), defaultBranch: null,
      read: { date: '@'.repeat(5000), title: '@'.repeat(5000), fromNow: true, writtenAt: new Date(0) },
    });
    const refused = bodies.refusal(quote('x'.repeat(5000), { max: 100 }), `Could not read ${quote('y'.repeat(5000))}`, 'usage');
    const reply = composeReply(
      [{ text: list, readOnly: true }, ...Array(8).fill({ text: created, readOnly: false }), { text: refused, readOnly: false }],
      ['note'],
    );
    expect(reply.length).toBeLessThanOrEqual(COMMENT_MAX - MARKER_ROOM);
    expect(reply).toContain('…and 99950 more.'); // nothing had to be dropped
  });

  test('read-only answers give way first, and a reply is never longer than GitHub allows', () => {
    const big = 'x'.repeat(40_000);
    const reply = composeReply([{ text: big, readOnly: true }, { text: 'created', readOnly: false }, { text: big, readOnly: true }], []);
    expect(reply.length).toBeLessThanOrEqual(COMMENT_MAX - MARKER_ROOM);
    expect(reply).toContain('created');
    expect(reply).toContain(big);
    const hopeless = composeReply([{ text: 'y'.repeat(100_000), readOnly: false }], []);
    expect(hopeless.length).toBeLessThanOrEqual(COMMENT_MAX - MARKER_ROOM);
  });
});
