import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import ICAL from 'ical.js';
import vm from 'node:vm';
import { moreText, rowHtml, summary, type RowFields } from '../../../src/embed/board-rows.js';
import { renderBoardPage } from '../../../src/embed/board.js';
import { BOARD_ACTIVE_MAX, BOARD_FINISHED_MAX, toBoardView, type BoardContent } from '../../../src/embed/board-view.js';
import { renderIcsFeed } from '../../../src/embed/ics.js';
import { renderDeadBadge, renderDeadIcs, renderDeadShields, renderNotFoundPage } from '../../../src/embed/not-found.js';
import { boardCsp, boardScript } from '../../../src/embed/page-bundle.js';
import { DAY, dueIn, goal, HOSTILE_TITLES, HOUR, NOW } from './fixtures.js';

const OPTS = { theme: 'auto' as const, boardUrl: 'https://gitdone.example/board/tok', script: boardScript() };

function content(over: Partial<BoardContent> = {}): BoardContent {
  return { repoFullName: 'octo/app', tracked: true, active: [goal()], activeTotal: 1, finished: [], ...over };
}

const scripts = (html: string) => [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => ({ attrs: m[1] ?? '', body: m[2] ?? '' }));
const markup = (html: string) => html.replace(/<script[^>]*>[\s\S]*?<\/script>/gi, '');

/** Anything in the markup that would make the browser fetch (links to the issue aside). */
function loads(html: string): string[] {
  const found: string[] = [];
  for (const [tag] of markup(html).matchAll(/<[a-z][^>]*>/gi)) {
    for (const m of tag.matchAll(/\s(src|srcset|poster|action|data|background|href)\s*=\s*"([^"]*)"/gi)) {
      if (!(/^<a\s/i.test(tag) && m[1] === 'href') && !(m[2] ?? '').startsWith('data:')) found.push(m[0]);
    }
    if (/^<(img|iframe|object|embed|video|audio|source|base|form)\b/i.test(tag)) found.push(tag);
  }
  if (/url\(|@import/i.test(/<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '')) found.push('css');
  return found;
}

describe('renderBoardPage', () => {
  test('the repository, its active goals then its finished ones, with states and live countdowns', () => {
    const html = renderBoardPage(
      toBoardView(
        content({
          active: [goal({ title: 'Late', dueAt: dueIn(-HOUR) }), goal({ title: 'Soon', dueAt: dueIn(HOUR) }), goal({ title: 'Later', dueAt: dueIn(3 * DAY) })],
          activeTotal: 3,
          finished: [goal({ title: 'Done', status: 'completed', completedAt: dueIn(-DAY) }), goal({ title: 'Dropped', status: 'cancelled' })],
        }),
        NOW,
      ),
      OPTS,
    );
    expect(html).toContain('<h1 id="gd-h"><a href="https://github.com/octo/app" target="_blank" rel="noopener noreferrer">octo/app</a></h1>');
    expect(html).toContain('3 active · 1 overdue · 1 due soon');
    expect([...html.matchAll(/<li data-state="([a-z_]+)"/g)].map((m) => m[1])).toEqual(['overdue', 'due_soon', 'on_track', 'completed', 'cancelled']);
    expect(html).toContain('role="timer"');
    expect(html).toContain('aria-live="polite"');
    expect(html).toMatch(/<p class="more" id="gd-more" hidden><\/p>/);
    expect(loads(html)).toEqual([]);
  });

  test('empty: says so; untracked: says so', () => {
    const html = renderBoardPage(toBoardView(content({ active: [], activeTotal: 0, tracked: false }), NOW), OPTS);
    expect(html).toContain('<p class="empty" id="gd-empty">No active deadlines.</p>');
    expect(html).toContain('<p class="note" id="gd-note">GitDone no longer tracks this repository</p>');
    expect(html).toContain('id="gd-fs" hidden');
  });

  test.each(['light', 'dark', 'auto', 'bogus'] as const)('theme %s', (theme) => {
    const html = renderBoardPage(toBoardView(content(), NOW), { ...OPTS, theme: theme as 'auto' });
    expect(html).toContain(`data-theme="${theme === 'bogus' ? 'auto' : theme}"`);
  });

  test.each(HOSTILE_TITLES.map((t) => [JSON.stringify(t).slice(0, 40), t]))('hostile title %s stays text', (_n, title) => {
    const html = renderBoardPage(toBoardView(content({ active: [goal({ title: title as string })], repoFullName: title as string }), NOW), OPTS);
    const s = scripts(html);
    expect(s).toHaveLength(2);
    expect(s[0]!.attrs).toBe(' type="application/json" id="gd-data"');
    expect(s[1]!.body).toBe(boardScript());
    expect(() => JSON.parse(s[0]!.body) as unknown).not.toThrow();
    expect(markup(html)).not.toMatch(/<(?!\/?(?:html|head|meta|title|link|style|body|main|header|h1|h2|p|section|ol|li|span|a|bdi|b|i|time)\b)[a-z]/i);
    expect(loads(html)).toEqual([]);
  });

  test(`bounded: ${BOARD_ACTIVE_MAX} + ${BOARD_FINISHED_MAX} rows of 200-character CJK titles (the worst case) under 256 KB, and "…and N more"`, () => {
    const long = '部'.repeat(200);
    const many = Array.from({ length: BOARD_ACTIVE_MAX + 50 }, (_, i) => goal({ title: long, dueAt: dueIn(i * HOUR) }));
    const done = Array.from({ length: BOARD_FINISHED_MAX + 5 }, () => goal({ title: long, status: 'completed', completedAt: NOW }));
    const view = toBoardView(content({ active: many, activeTotal: 12_345, finished: done }), NOW);
    expect(view.goals).toHaveLength(BOARD_ACTIVE_MAX + BOARD_FINISHED_MAX);
    const html = renderBoardPage(view, OPTS);
    expect(html).toContain('…and 12,245 more, due later');
    expect(Buffer.byteLength(html)).toBeLessThan(256 * 1024);
  });

  test('the CSP allows exactly the board script, frames anywhere and fetches only its own origin', () => {
    expect(boardCsp()).toContain("default-src 'none'");
    expect(boardCsp()).toContain('frame-ancestors *');
    expect(boardCsp()).toContain("connect-src 'self'");
    expect(boardScript()).not.toMatch(/\bimport\b|require\(|https?:\/\//);
    expect(Buffer.byteLength(boardScript())).toBeLessThan(12 * 1024);
  });
});

describe('the board script draws what the server draws', () => {
  const shipped = vm.runInNewContext(`${boardScript()};GitDoneBoard`, { Intl }) as { rowHtml: typeof rowHtml; summary: typeof summary };
  const instant = fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') });
  const row: fc.Arbitrary<RowFields> = fc.record({
    title: fc.oneof(fc.string(), fc.constantFrom(...HOSTILE_TITLES)),
    issue: fc.integer({ min: 1, max: 1e7 }),
    issue_url: fc.oneof(fc.constant('https://github.com/o/a/issues/1'), fc.string()),
    status: fc.constantFrom('active', 'completed', 'cancelled' as const),
    due_at: instant.map((t) => new Date(t).toISOString()),
    completed_at: fc.option(instant.map((t) => new Date(t).toISOString()), { nil: null }),
    timezone: fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/St_Johns', 'Not/AZone'),
  });

  test('rows and the summary, for any goals and moment', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 5 }), instant, fc.nat(20_000), (goals, now, total) => {
        for (const g of goals) expect(shipped.rowHtml(g, now)).toBe(rowHtml(g, now));
        expect(shipped.summary(goals, total, now)).toBe(summary(goals, total, now));
      }),
      { numRuns: 300 },
    );
    expect(moreText(5, 5)).toBe('');
  });
});

describe('renderIcsFeed', () => {
  test('one event per goal, in a named calendar a client refreshes, folded and valid', () => {
    const items = HOSTILE_TITLES.map((title, i) => {
      const g = goal({ title, dueAt: dueIn((i + 1) * HOUR) });
      return { view: toBoardView(content({ active: [g] }), NOW).goals[0]!, uid: `u${i}@board.gitdone`, url: 'https://github.com/octo/app/issues/12', link: { label: 'Board', url: 'https://x/board/t' } };
    });
    const ics = renderIcsFeed(items, { name: 'octo/app', url: 'https://x/board/t' });
    for (const line of ics.slice(0, -2).split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const cal = new ICAL.Component(ICAL.parse(ics));
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Deadlines · octo/app');
    expect(String(cal.getFirstPropertyValue('refresh-interval'))).toBe('PT1H');
    const events = cal.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
    expect(events.map((e) => e.uid)).toEqual(items.map((i) => i.uid));
    expect(events[0]!.description).toContain('Board: https://x/board/t');
  });
});

describe('dead links, in the shape of each variant', () => {
  test.each(['not_found', 'withdrawn'] as const)('%s', (reason) => {
    const words = reason === 'withdrawn' ? 'link withdrawn' : 'not found';
    expect(renderDeadBadge(reason)).toMatch(new RegExp(`^<svg[^>]*aria-label="deadline: ${words}"[\\s\\S]*</svg>$`));
    expect(renderDeadShields(reason)).toEqual({ schemaVersion: 1, label: 'deadline', message: words, color: 'lightgrey', isError: true, cacheSeconds: 300 });
    const cal = new ICAL.Component(ICAL.parse(renderDeadIcs(reason, 'board')));
    expect(cal.getAllSubcomponents('vevent')).toEqual([]);
    for (const what of ['countdown', 'board'] as const) {
      const html = renderNotFoundPage(reason, what);
      expect(html).not.toMatch(/<script/i);
      expect(loads(html)).toEqual([]);
      expect(html).toContain(reason === 'withdrawn' ? 'withdrawn' : 'does not exist');
    }
  });
});
