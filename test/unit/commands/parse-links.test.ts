import { describe, expect, test } from '@jest/globals';
import { parseCommands, USAGE, type Command } from '../../../src/commands/parse.js';
import { helpText } from '../../../src/commands/help.js';

const read = (line: string) => {
  const [l] = parseCommands(line);
  return l;
};

describe('board, share, unshare', () => {
  test.each<[string, Command]>([
    ['/deadline board', { kind: 'board' }],
    ['/deadline BOARD', { kind: 'board' }],
    ['/deadline board please', { kind: 'board' }],
    ['/deadline share ship-v1', { kind: 'share', keyword: 'ship-v1' }],
    ['/deadline share ship-v1!', { kind: 'share', keyword: 'ship-v1' }],
    ['/deadline unshare keyword=ship-v1', { kind: 'unshare', keyword: 'ship-v1' }],
    ['/deadline unshare ship-v1 keyword=SHIP-V1', { kind: 'unshare', keyword: 'ship-v1' }],
    ['/deadline share', { kind: 'share' }],
    ['/deadline unshare', { kind: 'unshare' }],
    ['/deadline share board', { kind: 'share', board: true }],
    ['/deadline Unshare Board.', { kind: 'unshare', board: true }],
    ['/deadline unshare keyword=board', { kind: 'unshare', keyword: 'board' }],
  ])('%s', (line, expected) => {
    expect(read(line)).toMatchObject({ ok: true, command: expected });
    const l = read(line)!;
    if (l.ok) expect(l.command).toEqual(expected);
  });

  test.each([
    ['/deadline share a b', 'takes one keyword'],
    ['/deadline unshare board keyword=x1', 'not both'],
    ['/deadline share x', 'keyword'],
    ['/deadline share ship keyword=other', 'Two different keywords'],
  ])('%s is refused', (line, error) => {
    const l = read(line)!;
    expect(l.ok).toBe(false);
    if (!l.ok) {
      expect(l.error).toContain(error);
      expect(l.kind).toBe(line.includes('unshare') ? 'unshare' : 'share');
    }
  });

  test.each([
    ['/deadline dashboard', 'board'],
    ['/deadline revoke ship', 'unshare'],
    ['/deadline withdraw ship', 'unshare'],
    ['/deadline publish ship', 'share'],
  ])('%s is refused as a mistaken %s', (line, kind) => {
    const l = read(line)!;
    expect(l).toMatchObject({ ok: false, kind, usage: USAGE[kind as 'board'] });
  });

  test('help shows them, and names the permission', () => {
    const help = helpText();
    for (const u of [USAGE.board, USAGE.share, USAGE.unshare]) expect(help).toContain(u);
    expect(parseCommands(help)).toEqual([]);
  });
});
