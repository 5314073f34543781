/**
 * The countdown page in a real Chromium, served by the production routes (embed/routes.ts:
 * its CSP, ETags and JSON) from a real database: inside a cross-origin iframe, in both
 * themes at three widths, picking up a completion without a reload, and never reaching
 * past its own origin. Only the clock is the test's (the server's runs 400 days behind the
 * browser's) and, for one test, a failing `.json`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sql } from 'kysely';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { embedRoutes } from '../../src/embed/routes.js';
import { insertGoal } from '../../src/db/goals.js';
import { upsertRepository } from '../../src/db/repositories.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
// CI must not pass without them: there, a missing browser fails the run.
if (!HAVE_CHROMIUM && process.env.GITDONE_TEST_REQUIRE_BROWSER === '1') {
  throw new Error(`No Chromium at ${CHROMIUM}, and GITDONE_TEST_REQUIRE_BROWSER=1: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
}
if (!HAVE_CHROMIUM) {
  console.warn(`\n*** SKIPPING browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH) ***\n`);
}
const maybe = HAVE_CHROMIUM ? describe : describe.skip;

const ARTIFACTS = path.resolve('test-artifacts/embed');
const TOKEN = 'tok123tok123tok123tok12';

/** The server's clock runs 400 days behind the browser's: the page must correct for the skew. */
const SKEW_MS = -400 * 86_400_000;
const serverNow = (): Date => new Date(Date.now() + SKEW_MS);

/** What the test controls of the server. */
const served = {
  pollSeconds: undefined as number | undefined,
  /** Answer `.json` with this status instead of asking the route (an outage). */
  jsonStatus: 200,
  jsonHits: 0,
  /** Each JSON request: when it came (ms since the page was served) and its If-None-Match. */
  jsonLog: [] as Array<{ afterPageMs: number; ifNoneMatch: string | undefined }>,
  pageServedAt: 0,
  /** How old the page's embedded `now` is, as if the page came from the cache after a 304. */
  pageAgeMs: 0,
};

let t: TestDatabase;
let goalId = '';
let server: http.Server;
let parent: http.Server;
let origin = '';
let parentOrigin = '';
let browser: Browser;

interface GoalState {
  /** From the server's now. */
  dueInMs?: number;
  dueAt?: Date;
  status?: 'active' | 'completed' | 'cancelled';
  completedAt?: Date | null;
  tracked?: boolean;
}

/** Sets the goal as the test needs it (2 days, 5 hours, 7 minutes ahead by default). */
async function setGoal(g: GoalState = {}): Promise<{ dueAt: Date }> {
  const dueAt = g.dueAt ?? new Date(serverNow().getTime() + (g.dueInMs ?? ((2 * 24 + 5) * 60 + 7) * 60_000));
  await t.db
    .updateTable('goals')
    .set({ due_at: dueAt, status: g.status ?? 'active', completed_at: g.completedAt ?? null, completed_via: g.status === 'completed' ? 'commit' : null, version: sql`version + 1` })
    .where('id', '=', Number(goalId))
    .execute();
  await t.db.updateTable('repositories').set({ tracked: g.tracked ?? true }).execute();
  return { dueAt };
}

function listen(s: http.Server): Promise<string> {
  return new Promise((resolve) => {
    s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`));
  });
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await createTestDatabase();
  await upsertRepository(t.db, { id: 4242, installationId: 77, fullName: 'octo/app', defaultBranch: 'main' });
  const goal = await insertGoal(t.db, {
    repoId: 4242, issueNumber: 12, isPullRequest: false, title: 'Ship the public beta to everyone', keyword: 'ship-beta',
    dueAt: new Date(serverNow().getTime() + 86_400_000), timezone: 'Europe/Berlin', createdBy: 'octocat',
  });
  goalId = goal.id;
  await t.db.updateTable('goals').set({ token: TOKEN }).where('id', '=', Number(goalId)).execute();
  await setGoal();
  const metrics = createMetrics();
  let pageRequest = false;
  server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    pageRequest = url.pathname === `/embed/${TOKEN}`;
    if (pageRequest) served.pageServedAt = Date.now();
    if (url.pathname === `/embed/${TOKEN}.json`) {
      served.jsonHits++;
      served.jsonLog.push({ afterPageMs: Date.now() - served.pageServedAt, ifNoneMatch: req.headers['if-none-match'] });
      if (served.jsonStatus !== 200) {
        res.writeHead(served.jsonStatus, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end('{"error":"boom"}');
        return;
      }
    }
    // The production routes, with the test's clock (older for a page served "from the cache").
    const routes = embedRoutes({
      db: t.db, publicUrl: origin, githubUrl: 'https://github.com', metrics, cacheMs: 0, pollSeconds: served.pollSeconds,
      now: () => new Date(serverNow().getTime() - (pageRequest ? served.pageAgeMs : 0)),
    });
    if (!(await routes(req, res))) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  origin = await listen(server);
  parent = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>notes</title><body style="margin:0">` +
        `<iframe id="embed" src="${origin}/embed/${TOKEN}" width="500" height="220" style="border:0"></iframe></body>`,
    );
  });
  parentOrigin = await listen(parent);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await new Promise((r) => (parent ? parent.close(r) : r(undefined)));
});

/** A page that records every request and every console error / CSP violation. */
async function openPage(
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ ctx: BrowserContext; page: Page; requests: string[]; errors: string[] }> {
  const ctx = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US', ...options });
  const page = await ctx.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { ctx, page, requests, errors };
}

function onlyFrom(requests: string[], origins: string[]): string[] {
  return requests.filter((u) => /^https?:/i.test(u) && !origins.includes(new URL(u).origin));
}

const text = (f: Page | Frame, sel: string): Promise<string> => f.locator(sel).innerText();

maybe('embed page in Chromium', () => {
  test('renders inside a cross-origin iframe, ticks, and corrects for clock skew', async () => {
    await setGoal();
    served.pollSeconds = undefined;
    const { ctx, page, requests, errors } = await openPage();
    try {
      await page.goto(`${parentOrigin}/`);
      const frame = page.frame({ url: new RegExp(`/embed/${TOKEN}$`) });
      expect(frame).not.toBeNull();
      const f = frame as Frame;
      await f.waitForSelector('#gd-big b');
      const first = await text(f, '#gd-big');
      // Server clock is 400 days behind: without the skew correction this would read "overdue".
      expect(await text(f, '#gd-pill')).toBe('On track');
      expect(first).toMatch(/^2d\s*05h\s*0[67]m/);
      await f.waitForFunction((prev) => document.getElementById('gd-big')?.textContent !== prev, first.replace(/\s/g, ''), {
        timeout: 2500,
      });
      expect(await text(f, '#gd-cap')).toBe('left');
      // The viewer's own zone (New York) is shown next to the goal's (Berlin).
      expect(await f.locator('#gd-local').isVisible()).toBe(true);
      expect(await text(f, '#gd-local')).toMatch(/E[SD]T|GMT-[45]/);
      expect(await text(f, '.due')).toContain('Europe/Berlin (UTC+0');
      const link = f.locator('header a');
      expect(await link.getAttribute('href')).toBe('https://github.com/octo/app/issues/12');
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toContain('noopener');
      expect(errors).toEqual([]);
      expect(onlyFrom(requests, [origin, parentOrigin])).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  const sizes = [250, 500, 900];
  for (const theme of ['light', 'dark'] as const) {
    test(`${theme} theme fits 250, 500 and 900 px wide, by preference and by ?theme`, async () => {
      await setGoal();
      const bg = theme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(25, 25, 25)';
      const fg = theme === 'light' ? 'rgb(55, 53, 47)' : 'rgba(255, 255, 255, 0.81)';
      const other = theme === 'light' ? 'dark' : 'light';
      for (const [query, scheme] of [['', theme], [`?theme=${theme}`, other]] as const) {
        const { ctx, page, requests, errors } = await openPage({ colorScheme: scheme });
        try {
          for (const width of sizes) {
            for (const height of [150, 120]) {
              await page.setViewportSize({ width, height });
              await page.goto(`${origin}/embed/${TOKEN}${query}`);
              await page.waitForSelector('#gd-big b');
              const m = await page.evaluate(() => {
                const main = document.getElementById('gd')!.getBoundingClientRect();
                const timer = document.querySelector('.timer')!.getBoundingClientRect();
                const title = document.querySelector('h1')!.getBoundingClientRect();
                return {
                  scrollWidth: document.documentElement.scrollWidth,
                  scrollHeight: document.documentElement.scrollHeight,
                  innerWidth,
                  innerHeight,
                  bg: getComputedStyle(document.body).backgroundColor,
                  fg: getComputedStyle(document.body).color,
                  main: { top: main.top, bottom: main.bottom, left: main.left, right: main.right },
                  timerRight: timer.right,
                  timerBottom: timer.bottom,
                  titleBottom: title.bottom,
                };
              });
              expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
              expect(m.scrollHeight).toBeLessThanOrEqual(m.innerHeight);
              expect(m.bg).toBe(bg);
              expect(m.fg).toBe(fg);
              // The card and the countdown are fully inside the frame, nothing clipped.
              expect(m.main.left).toBeGreaterThanOrEqual(0);
              expect(m.main.top).toBeGreaterThanOrEqual(0);
              expect(m.main.right).toBeLessThanOrEqual(width);
              expect(m.main.bottom).toBeLessThanOrEqual(height);
              expect(m.timerRight).toBeLessThanOrEqual(m.main.right);
              expect(m.timerBottom).toBeLessThanOrEqual(m.main.bottom);
              if (query === '' && height === 150) await page.screenshot({ path: path.join(ARTIFACTS, `${theme}-${width}.png`) });
              if (query === '' && height === 120 && width === 250) {
                await page.screenshot({ path: path.join(ARTIFACTS, `${theme}-250x120.png`) });
              }
            }
          }
          // Reduced motion: no transitions at all.
          await page.emulateMedia({ reducedMotion: 'reduce' });
          expect(await page.evaluate(() => getComputedStyle(document.getElementById('gd-pill')!).transitionDuration)).toBe('0s');
          expect(errors).toEqual([]);
          expect(onlyFrom(requests, [origin])).toEqual([]);
        } finally {
          await ctx.close();
        }
      }
    });
  }

  test('polls right after load, bypassing the HTTP cache, and corrects an old `now` from the cache', async () => {
    // The page as a 304 would leave it: rendered two hours ago, so its embedded `now` is two hours old.
    await setGoal();
    served.pollSeconds = 1;
    served.pageAgeMs = 2 * 3_600_000;
    served.jsonLog = [];
    const { ctx, page, errors } = await openPage();
    try {
      await page.goto(`${origin}/embed/${TOKEN}`);
      const embedded = await page.evaluate(() => (JSON.parse(document.getElementById('gd-data')!.textContent!) as { now: string }).now);
      expect(serverNow().getTime() - Date.parse(embedded)).toBeGreaterThan(3_600_000);
      // Trusting that `now` would show two hours too many; the first poll, right after load,
      // resets the skew from a fresh one.
      await page.waitForFunction(() => /^2d05h0[67]m/.test(document.getElementById('gd-big')?.textContent ?? ''), null, {
        timeout: 2500,
      });
      expect(served.jsonLog.length).toBeGreaterThanOrEqual(1);
      expect(served.jsonLog[0]!.afterPageMs).toBeLessThan(2000);
      // Later polls hit a cacheable 200 with an ETag, yet never revalidate it: no If-None-Match.
      await page.waitForTimeout(2500);
      expect(served.jsonLog.length).toBeGreaterThanOrEqual(3);
      expect(served.jsonLog.map((l) => l.ifNoneMatch)).toEqual(served.jsonLog.map(() => undefined));
      expect(await text(page, '#gd-big')).toMatch(/^2d\s*05h\s*0[67]m/);
      expect(errors).toEqual([]);
    } finally {
      served.pollSeconds = undefined;
      served.pageAgeMs = 0;
      await ctx.close();
    }
  });

  test('with the default 30 s interval, the first poll still comes at once', async () => {
    await setGoal();
    served.pollSeconds = undefined;
    served.jsonLog = [];
    const { ctx, page, errors } = await openPage();
    try {
      await page.goto(`${origin}/embed/${TOKEN}`);
      await page.waitForSelector('#gd-big b');
      for (let i = 0; i < 40 && served.jsonLog.length === 0; i++) await page.waitForTimeout(50);
      expect(served.jsonLog).toHaveLength(1);
      expect(served.jsonLog[0]!.afterPageMs).toBeLessThan(2000);
      expect(served.jsonLog[0]!.ifNoneMatch).toBeUndefined();
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  test('a completion shows up without a reload (on focus, and on the poll timer)', async () => {
    await setGoal();
    served.pollSeconds = undefined;
    served.jsonLog = [];
    const { ctx, page, requests, errors } = await openPage();
    try {
      await page.goto(`${origin}/embed/${TOKEN}`);
      await page.waitForSelector('#gd-big b');
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
      // Let the load poll run: a focus within a second of a poll is ignored, so wait that out too.
      for (let i = 0; i < 40 && served.jsonLog.length === 0; i++) await page.waitForTimeout(50);
      await page.waitForTimeout(1100);
      const { dueAt: due } = await setGoal();
      await setGoal({ dueAt: due, status: 'completed', completedAt: new Date(due.getTime() - 2 * 86_400_000 - 3_600_000) });
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await page.waitForFunction(() => document.getElementById('gd-big')?.textContent === 'Done', null, { timeout: 5000 });
      expect(await text(page, '#gd-cap')).toBe('2 days early');
      expect(await text(page, '#gd-pill')).toBe('Completed');
      expect(await page.locator('#gd').getAttribute('data-state')).toBe('completed');
      expect(await page.locator('#gd-live').textContent()).toContain('Completed');
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);

      // Same through the timer alone, with a 1 s poll interval; and a goal that turns overdue-late.
      await setGoal();
      served.pollSeconds = 1;
      await page.goto(`${origin}/embed/${TOKEN}`);
      await page.waitForSelector('#gd-big b');
      const { dueAt: due2 } = await setGoal();
      await setGoal({ dueAt: due2, status: 'completed', completedAt: new Date(due2.getTime() + 3 * 3_600_000) });
      await page.waitForFunction(() => document.getElementById('gd-big')?.textContent === 'Done', null, { timeout: 4000 });
      expect(await text(page, '#gd-cap')).toBe('3 hours late');
      expect(await text(page, '#gd-pill')).toBe('Completed late');
      expect(errors).toEqual([]);
      expect(onlyFrom(requests, [origin])).toEqual([]);
    } finally {
      served.pollSeconds = undefined;
      await ctx.close();
    }
  });

  test('overdue counts up, untracked shows its note, and polling backs off on errors', async () => {
    await setGoal({ dueInMs: -3 * 3_600_000 - 60_000, tracked: false });
    served.pollSeconds = 1;
    served.jsonStatus = 500;
    served.jsonHits = 0;
    const { ctx, page, errors } = await openPage();
    try {
      await page.setViewportSize({ width: 500, height: 200 });
      await page.goto(`${origin}/embed/${TOKEN}`);
      await page.waitForSelector('#gd-big b');
      expect(await text(page, '#gd-pill')).toBe('Overdue');
      expect(await text(page, '#gd-big')).toMatch(/^3h\s*01m/);
      expect(await text(page, '#gd-cap')).toBe('over');
      expect(await page.locator('#gd-note').isVisible()).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, 'overdue-untracked-500.png') });
      // One try at load, then with failures doubling the wait (2 s, 4 s, …): 3.5 s see at most 2 tries.
      await page.waitForTimeout(3500);
      expect(served.jsonHits).toBeGreaterThanOrEqual(1);
      expect(served.jsonHits).toBeLessThanOrEqual(2);
      // The failed fetches log console errors (HTTP 500); anything else, such as a CSP violation, must not appear.
      expect(errors.filter((e) => !/status of 500/.test(e))).toEqual([]);
    } finally {
      served.jsonStatus = 200;
      served.pollSeconds = undefined;
      await ctx.close();
    }
  });
});
