import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import examples from '@octokit/webhooks-examples/api.github.com/index.json' with { type: 'json' };
import { isTransferredIn, type PayloadOf } from '../../../src/deliveries/recorded.js';
import { transferredNotice } from '../../../src/notices/transfer.js';
import { activeParts } from '../../helpers/markdown.js';
import { goal, NOW } from '../embed/fixtures.js';

const PUBLIC_URL = 'https://gitdone.test';
const FROM = { fullName: 'octo/app', issueNumber: 12 };

describe('the comment on a transferred issue', () => {
  test('lists the active goals, the renamed keyword, and the finished ones by count', () => {
    const body = transferredNotice(
      FROM,
      [
        { goal: goal({ title: 'Ship v1', keyword: 'ship-v1-2', token: 'a' }), renamedFrom: 'ship-v1' },
        { goal: goal({ title: 'Docs', keyword: 'docs', token: 'b' }) },
        { goal: goal({ title: 'Old', keyword: 'old', status: 'completed', token: 'c' }) },
      ],
      NOW,
      PUBLIC_URL,
    );
    expect(body).toContain('transferred here from `octo/app#12`');
    expect(body).toContain('- `Docs` (`docs`), due Tuesday, 15 January 2030 at 17:00 (Europe/Berlin, UTC+01:00) — in 3 days 3 hours: https://gitdone.test/embed/b');
    expect(body).toContain('Its keyword `ship-v1` is already used by an active goal in this repository, so it is now `ship-v1-2`');
    expect(body).toContain('1 finished goal came along too.');
    expect(body).not.toContain('`Old`');
  });

  test('shows at most 50 goals', () => {
    const moved = Array.from({ length: 120 }, (_, i) => ({ goal: goal({ keyword: `k-${i}`, token: `t${i}` }) }));
    const body = transferredNotice(FROM, moved, NOW, PUBLIC_URL);
    expect(body).toContain('…and 70 more.');
    expect(body).not.toContain('`k-50`');
  });

  test('nothing anyone typed comes to life in it', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 250 }),
      fc.constantFrom('@octo/team', '#12', 'octo/other#3', '![x](http://evil.example/t.png)', '<img src=x>', 'www.evil.example', '`', '\n', '\u202e'),
    );
    fc.assert(
      fc.property(text, text, fc.boolean(), (title, repoName, renamed) => {
        const g = goal({ title: Array.from(title).slice(0, 200).join('') || 'x', keyword: 'ship-v1-2' });
        const body = transferredNotice({ fullName: `octo/${repoName}`, issueNumber: 12 }, [{ goal: g, ...(renamed ? { renamedFrom: 'ship-v1' } : {}) }], NOW, PUBLIC_URL);
        expect(activeParts(body, { hrefs: [PUBLIC_URL] })).toEqual([]);
      }),
      { numRuns: Number(process.env.GITDONE_PROPERTY_RUNS ?? 300) },
    );
  });
});

describe('an opened delivery that is a transfer', () => {
  const opened = (examples as Array<{ name: string; examples: Array<{ action: string; changes?: unknown }> }>)
    .find((e) => e.name === 'issues')!
    .examples.filter((e) => e.action === 'opened') as unknown as Array<PayloadOf<'issues.opened'>>;

  test('is told apart by changes.old_issue, as in GitHub\'s own examples', () => {
    expect(opened.map(isTransferredIn).sort()).toEqual([false, false, false, true]);
  });
});
