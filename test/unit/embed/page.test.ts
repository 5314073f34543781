import { describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import vm from 'node:vm';
import { cleanText } from '../../../src/embed/escape.js';
import { renderLanding } from '../../../src/embed/landing.js';
import { renderNotFoundPage } from '../../../src/embed/not-found.js';
import { renderPage } from '../../../src/embed/page.js';
import { pageCsp, pageScript, pageScriptHash } from '../../../src/embed/page-bundle.js';
import type { Goal } from '../../../src/goals/types.js';
import { DAY, dueIn, HOSTILE_TITLES, HOUR, MIN, NOW, view } from './fixtures.js';

const OPTS = { theme: 'auto' as const, embedUrl: 'https://gitdone.example/embed/tok', script: pageScript() };

function scripts(html: string): Array<{ attrs: string; body: string }> {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => ({ attrs: m[1] ?? '', body: m[2] ?? '' }));
}

/** Our own tags: user text is escaped, so every `<` that starts a tag in the markup is ours. */
function tags(html: string): string[] {
  return [...markupOnly(html).matchAll(/<[a-z][^>]*>/gi)].map((m) => m[0]);
}

/** Anything that would make the browser fetch: src/href/srcset/… attributes in tags, url() and @import in CSS. */
function externalLoads(html: string): string[] {
  const found: string[] = [];
  for (const tag of tags(html)) {
    for (const m of tag.matchAll(/\s(src|srcset|poster|action|formaction|data|background|href)\s*=\s*"([^"]*)"/gi)) {
      const isLink = /^<a\s/i.test(tag) && m[1]?.toLowerCase() === 'href';
      if (!isLink && !(m[2] ?? '').startsWith('data:')) found.push(m[0]);
    }
    if (/^<(img|iframe|object|embed|video|audio|source|base|form)\b/i.test(tag)) found.push(tag);
  }
  const css = [...html.matchAll(/<style>([\s\S]*?)<\/style>/gi)].map((m) => m[1] ?? '').join('');
  for (const m of css.matchAll(/url\(\s*["']?([^"')]*)/gi)) if (!(m[1] ?? '').startsWith('data:')) found.push(m[0]);
  for (const m of css.matchAll(/@import/gi)) found.push(m[0]);
  return found;
}

/** The HTML outside the JSON block and the script, where user text must appear only escaped. */
function markupOnly(html: string): string {
  return html.replace(/<script[^>]*>[\s\S]*?<\/script>/gi, '');
}

function dataBlockText(html: string): string {
  return scripts(html).find((s) => s.attrs.includes('application/json'))!.body;
}

function dataBlock(html: string): Record<string, unknown> {
  const block = scripts(html).find((s) => s.attrs.includes('application/json'));
  expect(block).toBeDefined();
  return JSON.parse(block!.body) as Record<string, unknown>;
}

describe('renderPage: safety', () => {
  test.each(HOSTILE_TITLES.map((t) => [JSON.stringify(t).slice(0, 50), t]))('hostile title %s stays text', (_n, title) => {
    const html = renderPage(view({ title: title as string, keyword: title as string }), OPTS);
    // Exactly our two script elements: the JSON data and the constant inline script.
    const s = scripts(html);
    expect(s).toHaveLength(2);
    expect(s[0]!.attrs).toBe(' type="application/json" id="gd-data"');
    expect(s[1]!.body).toBe(pageScript());
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    // No markup from the title: no tags, no attribute breakouts, no raw control characters.
    const markup = markupOnly(html);
    expect(markup).not.toMatch(/<img|<!--|<!\[CDATA/i);
    // Attribute names only (values are quoted, and a `"` in user text is escaped): no event handlers.
    for (const tag of tags(html)) expect(tag.replace(/"[^"]*"/g, '""')).not.toMatch(/\son\w+\s*=/i);
    expect(markup).not.toContain("onmouseover='");
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    expect(externalLoads(html)).toEqual([]);
    // The JSON block is inert (no `<`) and gives the script the cleaned title back.
    expect(s[0]!.body).not.toContain('<');
    expect(dataBlock(html).title).toBe(cleanText(title as string));
    // The title sits isolated for bidi purposes.
    expect(html).toContain('<h1 dir="auto"><bdi id="gd-title">');
  });

  test('bidi overrides stay inside <bdi> and out of <title> and meta', () => {
    const html = renderPage(view({ title: '\u202eevil\u202c txt' }), OPTS);
    expect(html).toContain('<bdi id="gd-title">\u202eevil\u202c txt</bdi>');
    expect(html).toContain('<title>evil txt · GitDone</title>');
    expect(html).toContain('<meta property="og:title" content="evil txt">');
  });

  test('under 14 KB even with a 200-character CJK title', () => {
    for (const title of [...HOSTILE_TITLES, '部'.repeat(200), '🚀'.repeat(200), '"<&>\''.repeat(40)]) {
      for (const over of [{}, { tracked: false }, { status: 'completed' as const, completedAt: NOW }]) {
        const html = renderPage(view({ title, ...over }), OPTS);
        expect(Buffer.byteLength(html, 'utf8')).toBeLessThan(14 * 1024);
      }
    }
    // Worst case: every user field at its longest, the title all escapes.
    const worst = renderPage(
      view({
        title: '"<&>\''.repeat(40),
        repoFullName: `${'o'.repeat(39)}/${'r'.repeat(100)}`,
        issueNumber: 9_999_999,
        timezone: 'America/Argentina/ComodRivadavia',
        keyword: 'k'.repeat(64),
        tracked: false,
      }),
      { ...OPTS, embedUrl: `https://gitdone.example.com/embed/${'x'.repeat(43)}`, pollSeconds: 30 },
    );
    expect(Buffer.byteLength(worst, 'utf8')).toBeLessThan(14 * 1024);
  });

  test('the CSP hash is the sha256 of the one inline script, which is the same for every goal', () => {
    const a = renderPage(view(), OPTS);
    const b = renderPage(view({ title: 'Other', dueAt: dueIn(-DAY), tracked: false }), { ...OPTS, theme: 'dark', pollSeconds: 5 });
    const bodyA = scripts(a)[1]!.body;
    expect(scripts(b)[1]!.body).toBe(bodyA);
    const digest = createHash('sha256').update(bodyA, 'utf8').digest('base64');
    expect(pageScriptHash()).toBe(`'sha256-${digest}'`);
    expect(pageCsp()).toContain(`script-src ${pageScriptHash()};`);
    expect(pageCsp()).toContain("default-src 'none'");
    expect(pageCsp()).toContain('frame-ancestors *');
    // The script reads only its own origin, and builds no markup from data.
    expect(bodyA).not.toMatch(/https?:/);
    expect(bodyA).not.toMatch(/eval|new Function|document\.write/);
  });

  test('the script reads the clock afresh: it polls right after load, never from the HTTP cache', () => {
    // A 304 can serve the page with an old `now`; the first poll (not 30 s later) corrects it.
    // The shipped bytes run against a stand-in DOM: what they fetch at once, and how.
    const html = renderPage(view(), OPTS);
    const fetches: Array<{ url: string; init: Record<string, unknown> }> = [];
    const el = () => ({ textContent: '', innerHTML: '', hidden: false, setAttribute() {}, getAttribute: () => null });
    const nodes = new Map<string, ReturnType<typeof el>>();
    const document = {
      hidden: false,
      title: '',
      addEventListener() {},
      getElementById: (id: string) => {
        if (!nodes.has(id)) nodes.set(id, { ...el(), textContent: id === 'gd-data' ? dataBlockText(html) : '' });
        return nodes.get(id);
      },
    };
    const sandbox = {
      document,
      location: { pathname: '/embed/tok' },
      addEventListener() {},
      setTimeout: () => 0,
      clearTimeout() {},
      Intl,
      fetch: (url: string, init: Record<string, unknown>) => {
        fetches.push({ url, init });
        return new Promise(() => {});
      },
    };
    vm.runInNewContext(scripts(html)[1]!.body, sandbox);
    expect(fetches).toEqual([{ url: '/embed/tok.json', init: { cache: 'no-store', credentials: 'omit', headers: { accept: 'application/json' } } }]);
    expect(nodes.get('gd-pill')?.textContent).toBe('On track');
  });

});

describe('renderPage: content', () => {
  test('title, repository link, countdown, deadline in the goal zone, meta tags', () => {
    const html = renderPage(view({ dueAt: dueIn(3 * DAY + 4 * HOUR + 5 * MIN + 6_000) }), OPTS);
    expect(html.startsWith('<!doctype html><html lang="en" data-theme="auto">')).toBe(true);
    expect(html).toContain('<title>Ship v1 · GitDone</title>');
    expect(html).toContain('<a href="https://github.com/octo/app/issues/12" target="_blank" rel="noopener noreferrer">octo/app#12</a>');
    expect(html).toContain('<span class="pill" id="gd-pill">On track</span>');
    expect(html).toContain('<b>3</b><i>d</i><b>04</b><i>h</i><b>05</b><i>m</i><b>06</b><i>s</i>');
    expect(html).toContain('<time id="gd-due" datetime="2030-01-15T17:05:06.000Z">');
    expect(html).toContain('Tue, 15 Jan 2030, 18:05');
    expect(html).toContain('Europe/Berlin (UTC+01:00)');
    expect(html).toContain('<meta property="og:title" content="Ship v1">');
    expect(html).toMatch(/<meta property="og:description" content="On track · due [^"]+ · octo\/app#12">/);
    expect(html).toContain('<meta property="og:url" content="https://gitdone.example/embed/tok">');
    expect(html).toContain('<meta property="og:type" content="website">');
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
  });

  test('accessibility: a timer that does not chatter, a polite live region for milestones', () => {
    const html = renderPage(view(), OPTS);
    const timer = /<div[^>]*role="timer"[^>]*>/.exec(html)?.[0] ?? '';
    expect(timer).not.toBe('');
    expect(timer).not.toContain('aria-live');
    expect(html).toMatch(/<p class="sr" id="gd-live" aria-live="polite"><\/p>/);
    expect(html).toContain('prefers-reduced-motion');
  });

  type Case = [string, Partial<Goal>, string, string, string];
  test.each<Case>([
    ['on track', { dueAt: dueIn(2 * DAY) }, 'on_track', 'On track', 'left'],
    ['due soon', { dueAt: dueIn(5 * HOUR) }, 'due_soon', 'Due soon', 'left'],
    ['overdue', { dueAt: dueIn(-3 * HOUR) }, 'overdue', 'Overdue', 'over'],
    ['done early', { status: 'completed', completedAt: NOW, dueAt: dueIn(2 * DAY + HOUR) }, 'completed', 'Completed', '2 days early'],
    ['done late', { status: 'completed', completedAt: NOW, dueAt: dueIn(-3 * HOUR) }, 'completed_late', 'Completed late', '3 hours late'],
    ['cancelled', { status: 'cancelled', cancelledAt: NOW }, 'cancelled', 'Cancelled', ''],
  ])('%s', (_n, over, state, pill, cap) => {
    const html = renderPage(view(over), OPTS);
    expect(html).toContain(`<main id="gd" data-state="${state}">`);
    expect(html).toContain(`id="gd-pill">${pill}</span>`);
    expect(html).toContain(`<span class="cap" id="gd-cap">${cap}</span>`);
    if (state === 'overdue') expect(html).toContain('<b>3</b><i>h</i><b>00</b><i>m</i>');
    if (state.startsWith('completed')) expect(html).toContain('id="gd-big">Done</span>');
    if (state === 'cancelled') expect(html).toContain('id="gd-big">Cancelled</span>');
  });

  test('untracked repositories show the note', () => {
    expect(renderPage(view({ tracked: false }), OPTS)).toContain('<p class="note" id="gd-note">GitDone no longer tracks this repository</p>');
    expect(renderPage(view(), OPTS)).toContain('<p class="note" id="gd-note" hidden>');
  });

  test('themes: light, dark, auto (and anything else means auto)', () => {
    expect(renderPage(view(), { ...OPTS, theme: 'light' })).toContain('data-theme="light"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light">');
    expect(renderPage(view(), { ...OPTS, theme: 'dark' })).toContain('<meta name="color-scheme" content="dark">');
    expect(renderPage(view(), { ...OPTS, theme: 'bogus' as 'auto' })).toContain('data-theme="auto"');
    const css = /<style>([\s\S]*?)<\/style>/.exec(renderPage(view(), OPTS))?.[1] ?? '';
    expect(css).toContain('--bg:#fff;--fg:#37352f');
    expect(css).toContain('--bg:#191919;--fg:rgba(255,255,255,.81)');
    expect(css).toContain('@media(prefers-color-scheme:dark){:root[data-theme=auto]');
  });

  test('the data block carries what the script needs', () => {
    const data = dataBlock(renderPage(view(), { ...OPTS, pollSeconds: 3 }));
    expect(data).toEqual({
      title: 'Ship v1',
      due_at: '2030-01-15T16:00:00.000Z',
      now: NOW.toISOString(),
      status: 'active',
      completed_at: null,
      timezone: 'Europe/Berlin',
      tracked: true,
      poll: 3,
    });
  });

  test('a non-http issue URL is not linked', () => {
    const v = { ...view(), issue_url: 'javascript:alert(1)' };
    const html = renderPage(v, OPTS);
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<span>octo/app#12</span>');
  });
});

describe('404 and landing pages', () => {
  test('not found: small, self-contained HTML', () => {
    const html = renderNotFoundPage();
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>Not found · GitDone</title>');
    expect(html).not.toMatch(/<script/i);
    expect(externalLoads(html)).toEqual([]);
    expect(Buffer.byteLength(html)).toBeLessThan(4096);
  });

  test('landing: explains /deadline, the embed and the badge, escapes the public URL', () => {
    const html = renderLanding({ publicUrl: 'https://gitdone.example/' });
    expect(html).toContain('/deadline');
    expect(html).toContain('https://gitdone.example/embed/&lt;token&gt;');
    expect(html).toContain('![deadline](https://gitdone.example/embed/&lt;token&gt;.svg)');
    expect(html).toContain('url=https%3A%2F%2Fgitdone.example%2Fembed%2F&lt;token&gt;%2Fshields.json');
    expect(html).not.toMatch(/<script/i);
    expect(externalLoads(html)).toEqual([]);
    const hostile = renderLanding({ publicUrl: 'https://x.example/"><script>alert(1)</script>' });
    expect(hostile).not.toMatch(/<script/i);
  });
});
