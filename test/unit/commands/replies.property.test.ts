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
      out.push(bodies.createdReply(g, { publicUrl: PUBLIC_URL, githubUrl: 'https://github.com', now: NOW, branches: [title], defaultBranch: title }));
      out.push(bodies.movedReply(g, NOW), bodies.cancelledReply(g), bodies.listReply([g], 1, 'issue', NOW, PUBLIC_URL));
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
    for (const reply of [bodies.createdReply(g, { publicUrl: PUBLIC_URL, githubUrl: 'https://github.com', now: NOW, branches: [], defaultBranch: 'main' }),
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

describe('the size of a reply', () => {
  test('the largest list fits, with ten of the largest other answers', () => {
    const worst = goal({ title: '|'.repeat(200), keyword: 'k'.repeat(64), timezone: 'America/Argentina/ComodRivadavia' });
    const list = bodies.listReply(Array.from({ length: bodies.LIST_MAX }, () => worst), 100_000, 'repository', NOW, PUBLIC_URL);
    expect(list).toContain('…and 99950 more.');
    const created = bodies.createdReply(goal({ title: '@'.repeat(200), keyword: 'k'.repeat(64) }), {
      publicUrl: PUBLIC_URL, githubUrl: 'https://github.com', now: NOW, branches: Array(100).fill('b'.repeat(200)), defaultBranch: null,
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
