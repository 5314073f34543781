import { describe, test, expect } from '@jest/globals';
import { parseCommands, parseCommandText, splitMoveArgs, USAGE } from '../../../src/commands/parse.js';
import { helpText } from '../../../src/commands/help.js';
import type { Command, CommandLine } from '../../../src/commands/parse.js';

function one(body: string): CommandLine {
  const lines = parseCommands(body);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

function command(body: string): Command {
  const l = one(body);
  if (!l.ok) throw new Error(`expected ok, got: ${l.error}`);
  return l.command;
}

describe('parseCommands: single lines that are commands', () => {
  test.each<[string, Command]>([
    ['/deadline tomorrow 5pm Ship v1', { kind: 'create', text: 'tomorrow 5pm Ship v1' }],
    ['/deadline 2030-01-15 17:00', { kind: 'create', text: '2030-01-15 17:00' }],
    ['/DEADLINE Friday', { kind: 'create', text: 'Friday' }],
    ['   /deadline friday', { kind: 'create', text: 'friday' }],
    ['\t/deadline friday', { kind: 'create', text: 'friday' }],
    ['/deadline\tfriday', { kind: 'create', text: 'friday' }],
    ['/deadline  tomorrow   5pm   Ship ', { kind: 'create', text: 'tomorrow 5pm Ship' }],
    ['/deadline tomorrow Ship keyword=ship-v1', { kind: 'create', text: 'tomorrow Ship', keyword: 'ship-v1' }],
    ['/deadline keyword=ship-v1 tomorrow Ship', { kind: 'create', text: 'tomorrow Ship', keyword: 'ship-v1' }],
    ['/deadline tomorrow keyword=ship-v1 Ship it', { kind: 'create', text: 'tomorrow Ship it', keyword: 'ship-v1' }],
    ['/deadline tomorrow Ship KEYWORD=Ship-V1', { kind: 'create', text: 'tomorrow Ship', keyword: 'Ship-V1' }],
    ['/deadline tomorrow tz=Europe/Berlin', { kind: 'create', text: 'tomorrow', tz: 'Europe/Berlin' }],
    ['/deadline tomorrow tz=europe/berlin', { kind: 'create', text: 'tomorrow', tz: 'Europe/Berlin' }],
    ['/deadline tomorrow tz=utc', { kind: 'create', text: 'tomorrow', tz: 'UTC' }],
    [
      '/deadline tz=Asia/Kolkata next friday 17:00 Release keyword=rel-1',
      { kind: 'create', text: 'next friday 17:00 Release', keyword: 'rel-1', tz: 'Asia/Kolkata' },
    ],
    ['/deadline tomorrow x keyword="ship-v1"', { kind: 'create', text: 'tomorrow x', keyword: 'ship-v1' }],
    ['/deadline tomorrow x keyword=`ship-v1`', { kind: 'create', text: 'tomorrow x', keyword: 'ship-v1' }],
    ['/deadline tomorrow x keyword=ab', { kind: 'create', text: 'tomorrow x', keyword: 'ab' }],
    [`/deadline tomorrow x keyword=${'k'.repeat(64)}`, { kind: 'create', text: 'tomorrow x', keyword: 'k'.repeat(64) }],
    ['/deadline tomorrow x keyword=a-_.#/:9', { kind: 'create', text: 'tomorrow x', keyword: 'a-_.#/:9' }],
    ['/deadline tomorrow a=b c', { kind: 'create', text: 'tomorrow a=b c' }],
    ['/deadline tomorrow Ünïcödé 🚀 日本語', { kind: 'create', text: 'tomorrow Ünïcödé 🚀 日本語' }],
    // The runner decides whether the first word names a goal; parse keeps it raw.
    ['/deadline list', { kind: 'list' }],
    ['/deadline LIST', { kind: 'list' }],
    ['/deadline list all the things', { kind: 'list' }],
    ['/deadline help', { kind: 'help' }],
    ['/deadline Help me', { kind: 'help' }],
    ['/deadline --help', { kind: 'help' }],
    ['/deadline ?', { kind: 'help' }],
    ['/deadline move ship-v1 next friday 17:00', { kind: 'move', args: 'ship-v1 next friday 17:00' }],
    ['/deadline move next friday', { kind: 'move', args: 'next friday' }],
    ['/deadline Move   ship-v1   tomorrow', { kind: 'move', args: 'ship-v1 tomorrow' }],
    ['/deadline move tomorrow keyword=ship-v1', { kind: 'move', args: 'ship-v1 tomorrow', keyword: 'ship-v1' }],
    ['/deadline move ship-v1 tomorrow 9am tz=Asia/Tokyo', { kind: 'move', args: 'ship-v1 tomorrow 9am', tz: 'Asia/Tokyo' }],
    ['/deadline cancel', { kind: 'cancel' }],
    ['/deadline cancel ship-v1', { kind: 'cancel', keyword: 'ship-v1' }],
    ['/deadline CANCEL Ship-V1', { kind: 'cancel', keyword: 'Ship-V1' }],
    ['/deadline cancel keyword=ship-v1', { kind: 'cancel', keyword: 'ship-v1' }],
    ['/deadline cancel ship-v1 keyword=SHIP-V1', { kind: 'cancel', keyword: 'ship-v1' }],
    ['/deadline done', { kind: 'done' }],
    ['/deadline done.', { kind: 'done' }],
    ['/deadline done!', { kind: 'done' }],
    ['/deadline done ship-v1', { kind: 'done', keyword: 'ship-v1' }],
    ['/deadline done ship-v1!', { kind: 'done', keyword: 'ship-v1' }],
    ['/deadline done #42', { kind: 'done', keyword: '#42' }],
    ['/deadline tomorrow list', { kind: 'create', text: 'tomorrow list' }],
  ])('%j', (body, expected) => {
    expect(command(body)).toEqual(expected);
  });

  test('source is the trimmed line and line is 1-based', () => {
    expect(one('  /deadline list  ')).toMatchObject({ line: 1, source: '/deadline list', ok: true });
  });

  test('a very long title is kept whole (the runner checks the 200-character limit)', () => {
    const title = 'x'.repeat(5000);
    expect(command(`/deadline tomorrow ${title}`)).toEqual({ kind: 'create', text: `tomorrow ${title}` });
  });
});

describe('parseCommands: refused lines', () => {
  test.each<[string, RegExp, Command['kind']]>([
    ['/deadline', /needs a date/, 'create'],
    ['/deadline   ', /needs a date/, 'create'],
    ['/deadline keyword=ship-v1', /date is missing/, 'create'],
    ['/deadline tomorrow keyword=', /needs a value/, 'create'],
    ['/deadline tomorrow keyword=a', /too short/, 'create'],
    [`/deadline tomorrow keyword=${'k'.repeat(65)}`, /too long/, 'create'],
    ['/deadline tomorrow keyword=ship!', /`!`/, 'create'],
    ['/deadline tomorrow keyword=shïp', /`ï`/, 'create'],
    ['/deadline tomorrow keyword=--', /letter or digit/, 'create'],
    ['/deadline tomorrow keyword=a1 keyword=b2', /given twice/, 'create'],
    ['/deadline tomorrow tz=', /needs an IANA zone/, 'create'],
    ['/deadline tomorrow tz=Mars/Base', /unknown time zone `Mars\/Base`/i, 'create'],
    ['/deadline tomorrow tz=+02:00', /unknown time zone/i, 'create'],
    ['/deadline tomorrow tz=UTC tz=UTC', /given twice/, 'create'],
    ['/deadline remove ship-v1', /unknown subcommand `remove`.*cancel/i, 'cancel'],
    ['/deadline delete', /unknown subcommand `delete`/i, 'cancel'],
    ['/deadline Delete ship-v1', /unknown subcommand `Delete`/i, 'cancel'],
    ['/deadline edit ship-v1 friday', /unknown subcommand `edit`.*move/i, 'move'],
    ['/deadline update friday', /unknown subcommand `update`/i, 'move'],
    ['/deadline reschedule friday', /unknown subcommand/i, 'move'],
    ['/deadline change friday', /unknown subcommand/i, 'move'],
    ['/deadline show', /unknown subcommand `show`.*list/i, 'list'],
    ['/deadline ls', /unknown subcommand `ls`/i, 'list'],
    ['/deadline complete', /unknown subcommand `complete`.*done/i, 'done'],
    ['/deadline finish ship-v1', /unknown subcommand `finish`/i, 'done'],
    ['/deadline add tomorrow Ship', /start with the date/, 'create'],
    ['/deadline new tomorrow', /start with the date/, 'create'],
    ['/deadline usage', /unknown subcommand `usage`.*help/i, 'help'],
    ['/deadline move', /needs the new date/, 'move'],
    ['/deadline move keyword=ship-v1', /needs the new date/, 'move'],
    ['/deadline move ship-v1 friday keyword=x', /too short/, 'move'],
    ['/deadline cancel a', /too short/, 'cancel'],
    ['/deadline cancel ship v1', /takes one keyword/, 'cancel'],
    ['/deadline cancel ship-v1 keyword=other', /two different keywords/i, 'cancel'],
    ['/deadline done ship@v1', /`@`/, 'done'],
    ['/deadline done a b c', /takes one keyword/, 'done'],
  ])('%j', (body, why, kind) => {
    const l = one(body);
    expect(l.ok).toBe(false);
    if (!l.ok) {
      expect(l.error).toMatch(why);
      expect(l.usage).toBe(USAGE[kind]);
    }
  });
});

describe('parseCommands: lines that are not commands', () => {
  test.each<string>([
    '',
    'hello',
    '/deadlines tomorrow',
    '/deadlinex',
    '/deadline:tomorrow',
    '/dead line tomorrow',
    'deadline tomorrow',
    'text /deadline tomorrow',
    '`/deadline tomorrow`',
    '- /deadline tomorrow',
    '> /deadline tomorrow',
    '>/deadline tomorrow',
    '   > /deadline tomorrow',
    '> > /deadline tomorrow',
    '<!-- /deadline tomorrow -->',
    '```\n/deadline tomorrow\n```',
    '```\n/deadline tomorrow',
    '~~~\n/deadline tomorrow\n~~~',
    '```js\n/deadline tomorrow\n```',
    '``` shell session\n/deadline tomorrow\n```',
    '   ```\n/deadline tomorrow\n   ```',
    '- item\n    ```\n    /deadline tomorrow\n    ```',
    '````\n```\n/deadline tomorrow\n````',
    '~~~~\n~~~\n/deadline tomorrow',
    '```\n~~~\n/deadline tomorrow\n~~~\n```',
    '<!--\n/deadline tomorrow\n-->',
    '<!-- template:\n  /deadline tomorrow 5pm Title\n  /deadline list\n-->',
    'ok <!-- a --> <!-- b\n/deadline tomorrow\n-->',
  ])('%j', (body) => {
    expect(parseCommands(body)).toEqual([]);
  });
});

describe('parseCommands: bodies', () => {
  test('several commands in order with their line numbers, CRLF', () => {
    const body = [
      'Plan for the release:',
      '/deadline 2030-01-15 17:00 Ship v1 keyword=ship-v1',
      '',
      '/deadline list',
      '> /deadline done ship-v1',
      '```',
      '/deadline cancel ship-v1',
      '```',
      '/deadline done ship-v1',
      '/deadline remove ship-v1',
    ].join('\r\n');
    const lines = parseCommands(body);
    expect(lines.map((l) => [l.line, l.ok, l.ok ? l.command.kind : l.error.slice(0, 19)])).toEqual([
      [2, true, 'create'],
      [4, true, 'list'],
      [9, true, 'done'],
      [10, false, 'Unknown subcommand '],
    ]);
    expect(lines[0]).toMatchObject({ source: '/deadline 2030-01-15 17:00 Ship v1 keyword=ship-v1' });
  });

  test('old Mac line endings (CR) and mixed endings', () => {
    expect(parseCommands('/deadline list\r/deadline help\n/deadline done\r\n/deadline cancel').map((l) => l.line)).toEqual([1, 2, 3, 4]);
  });

  test('a fence only closes with the same character and at least the same length', () => {
    const body = ['````md', '```', '/deadline list', '````', '/deadline help'].join('\n');
    expect(parseCommands(body).map((l) => l.line)).toEqual([5]);
  });

  test('a backtick line with a backtick in its info string is not a fence', () => {
    expect(parseCommands('```inline` code\n/deadline list').map((l) => l.line)).toEqual([2]);
  });

  test('after a quote the next unquoted line is read', () => {
    expect(parseCommands('> quoted /deadline x\n> /deadline list\n\n/deadline help').map((l) => l.line)).toEqual([4]);
  });

  test('a command line that opens an HTML comment still counts; the comment body does not', () => {
    expect(parseCommands('/deadline list <!-- note\n/deadline help\n-->\n/deadline done').map((l) => l.line)).toEqual([1, 4]);
  });

  test('200 commands in one comment', () => {
    const body = Array.from({ length: 200 }, (_, i) => `/deadline done kw-${i}`).join('\n');
    const lines = parseCommands(body);
    expect(lines).toHaveLength(200);
    expect(lines[199]).toEqual({ line: 200, source: '/deadline done kw-199', ok: true, command: { kind: 'done', keyword: 'kw-199' } });
  });

  test('a 1 MB body is parsed quickly', () => {
    const body = ('text line that is not a command\n'.repeat(30_000) + '/deadline list\n').repeat(1);
    const start = performance.now();
    expect(parseCommands(body)).toHaveLength(1);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe('parseCommandText', () => {
  test('reads what follows /deadline', () => {
    expect(parseCommandText(' move ship-v1 friday ')).toEqual({ ok: true, command: { kind: 'move', args: 'ship-v1 friday' } });
  });
});

describe('splitMoveArgs', () => {
  test.each<[string, string[], { keyword?: string; when: string }]>([
    ['ship-v1 next friday', ['ship-v1'], { keyword: 'ship-v1', when: 'next friday' }],
    ['SHIP-V1 next friday', ['ship-v1'], { keyword: 'ship-v1', when: 'next friday' }],
    ['next friday', ['ship-v1'], { when: 'next friday' }],
    ['friday', ['friday'], { keyword: 'friday', when: '' }],
    ['tomorrow 5pm', [], { when: 'tomorrow 5pm' }],
  ])('%j with %j', (args, active, expected) => {
    expect(splitMoveArgs(args, active)).toEqual(expected);
  });
});

describe('USAGE and helpText', () => {
  test('every subcommand has a one-line usage', () => {
    for (const kind of ['create', 'list', 'help', 'move', 'cancel', 'done'] as const) {
      expect(USAGE[kind]).toMatch(/^\/deadline/);
      expect(USAGE[kind]).not.toContain('\n');
    }
  });

  test('help lists every command with examples', () => {
    const help = helpText();
    for (const usage of Object.values(USAGE)) expect(help).toContain(usage);
    for (const example of ['/deadline move ship-v1', '/deadline cancel ship-v1', '/deadline done ship-v1', 'tomorrow 5pm', 'tz=']) {
      expect(help).toContain(example);
    }
    // The help's own examples must not be read as commands if it were ever parsed.
    expect(parseCommands(help)).toEqual([]);
  });
});
