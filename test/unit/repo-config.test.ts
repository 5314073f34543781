import { describe, expect, test } from '@jest/globals';
import { DEFAULT_CONFIG, parseDuration, parseRepoConfig, rank } from '../../src/config/repo-config.js';

describe('parseRepoConfig', () => {
  test('no file means the defaults', () => {
    expect(parseRepoConfig(null)).toEqual({ ok: true, config: DEFAULT_CONFIG });
    expect(parseRepoConfig({})).toEqual({ ok: true, config: DEFAULT_CONFIG });
  });

  test('every field', () => {
    const r = parseRepoConfig({ timezone: 'europe/berlin', branches: ['main', 'release/*'], permission: 'maintain', reminders: ['1h', '24h', '1h'], complete_on_close: false });
    expect(r).toEqual({
      ok: true,
      config: { timezone: 'Europe/Berlin', branches: ['main', 'release/*'], permission: 'maintain', reminders: [86_400_000, 3_600_000], complete_on_close: false },
    });
  });

  test('a single branch may be a string; reminders may be empty', () => {
    expect(parseRepoConfig({ branches: '*', reminders: [] }).config).toMatchObject({ branches: ['*'], reminders: [] });
  });

  test('unknown keys (like _extends leftovers) are ignored', () => {
    expect(parseRepoConfig({ extra: 1 }).ok).toBe(true);
  });

  test.each([
    [{ timezone: 'Mars/Olympus' }, /timezone.*Mars\/Olympus.*using UTC/],
    [{ reminders: ['soon'] }, /`soon` is not a duration/],
    [{ reminders: '24h' }, /reminders/],
    [{ complete_on_close: 'yes' }, /complete_on_close/],
    [{ branches: [''] }, /branches/],
  ])('%j is reported and that setting falls back to its default', (raw, message) => {
    const r = parseRepoConfig(raw);
    expect(r.ok).toBe(false);
    expect(r.config).toEqual(DEFAULT_CONFIG);
    if (!r.ok) expect(r.errors.join('\n')).toMatch(message);
  });

  test('an unreadable permission fails closed (admin), not open (write)', () => {
    const r = parseRepoConfig({ permission: 'read' });
    expect(r).toMatchObject({ ok: false, config: { permission: 'admin' } });
  });

  test('one bad setting does not throw the valid ones away', () => {
    const r = parseRepoConfig({ permission: 'maintain', timezone: 'Asia/Tokyo', reminders: ['soon'] });
    expect(r.ok).toBe(false);
    expect(r.config).toMatchObject({ permission: 'maintain', timezone: 'Asia/Tokyo', reminders: [86_400_000] });
  });

  test('a file that is not a mapping is reported, and commands need admin until it is fixed', () => {
    expect(parseRepoConfig('timezone Europe/Berlin')).toMatchObject({ ok: false, config: { permission: 'admin' } });
  });
});

describe('parseDuration', () => {
  test.each([
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1.5h', 5_400_000],
    [' 3H ', 10_800_000],
    [24, 86_400_000],
    ['0h', null],
    ['-1h', null],
    ['soon', null],
    ['', null],
    [0, null],
  ])('%j → %j', (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });
});

test('permissions rank as GitHub orders them', () => {
  expect(['none', 'read', 'triage', 'write', 'maintain', 'admin'].map((p) => rank(p as never))).toEqual([0, 1, 2, 3, 4, 5]);
});
