/**
 * The repository board in a real Chromium, served by the production routes (embed/routes.ts:
 * its CSP, ETags and JSON) from a real database: inside a cross-origin iframe, in both themes
 * at three widths, picking up a completion without a reload, saying so when its link is
 * withdrawn, and never reaching past its own origin. Screenshots go to test-artifacts/board
 * (docs/images/board-light-600.png and board-dark-600.png are copies of light-600.png and dark-600.png).
 * Dead badges are checked here too: a 404/410 SVG still draws as an image.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureBoard, replaceBoardToken } from '../../src/db/boards.js';
import { insertGoal, replaceToken, setCancelled, setCompleted } from '../../src/db/goals.js';
import { upsertRepository } from '../../src/db/repositories.js';
import { embedRoutes } from '../../src/embed/routes.js';
import type { Goal } from '../../src/goals/types.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && process.env.GITDONE_TEST_REQUIRE_BROWSER === '1') {
  throw new Error(`No Chromium at ${CHROMIUM}, and GITDONE_TEST_REQUIRE_BROWSER=1: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
}
if (!HAVE_CHROMIUM) console.warn(`\n*** SKIPPING board browser tests: no Chromium at ${CHROMIUM} ***\n`);
const maybe = HAVE_CHROMIUM ? describe : describe.skip;

const ARTIFACTS = path.resolve('test-artifacts/board');
const HOUR = 3_600_000;
const REPO = { id: 4242, installationId: 77, fullName: 'octo/app', defaultBranch: 'main' };

let t: TestDatabase;
let server: http.Server;
let parent: http.Server;
let origin = '';
let parentOrigin = '';
let browser: Browser;
let boardToken = '';
const served = { pollSeconds: undefined as number | undefined };
const goals: Record<string, Goal> = {};

function listen(s: http.Server): Promise<string> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
}

async function goal(key: string, title: string, dueInMs: number, issue: number): Promise<Goal> {
  goals[key] = await insertGoal(t.db, {
    repoId: REPO.id, issueNumber: issue, isPullRequest: false, title, keyword: key,
    dueAt: new Date(Date.now() + dueInMs), timezone: 'Europe/Berlin', createdBy: 'octocat',
  });
  return goals[key]!;
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await createTestDatabase();
  await upsertRepository(t.db, REPO);
  await goal('login-fix', 'Fix the login redirect loop', -3 * HOUR - 17 * 60_000, 41);
  await goal('notes', 'Release notes for v2.0', 5 * HOUR + 12 * 60_000, 57);
  await goal('beta', 'Ship the public beta to everyone who signed up', (2 * 24 + 5) * HOUR, 12);
  await goal('docs', 'Docs: the board and its calendar feed', (9 * 24 + 2) * HOUR, 63);
  const review = await goal('review', 'Design review', -2 * 24 * HOUR, 30);
  await setCompleted(t.db, review.id, { via: 'commit', at: new Date(Date.now() - 3 * 24 * HOUR - HOUR), sha: 'a'.repeat(40), author: 'bob' });
  const sunset = await goal('sunset', 'Sunset the v1 API', 20 * 24 * HOUR, 8);
  await setCancelled(t.db, sunset.id);
  boardToken = (await ensureBoard(t.db, REPO.id)).token;

  const metrics = createMetrics();
  server = http.createServer(async (req, res) => {
    if (req.url === '/dead-badges') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><img id="gone" src="/embed/${goals.sunset!.token}.svg"><img id="unknown" src="/embed/AAAAAAAAAAAAAAAAAAAAAA.svg">`);
      return;
    }
    const routes = embedRoutes({ db: t.db, publicUrl: origin, githubUrl: 'https://github.com', metrics, cacheMs: 0, pollSeconds: served.pollSeconds });
    if (!(await routes(req, res))) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  origin = await listen(server);
  parent = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>notes</title><body style="margin:0"><iframe id="embed" src="${origin}/board/${boardToken}" width="600" height="520" style="border:0"></iframe></body>`);
  });
  parentOrigin = await listen(parent);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await new Promise((r) => (parent ? parent.close(r) : r(undefined)));
});

async function openPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ ctx: BrowserContext; page: Page; requests: string[]; errors: string[] }> {
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
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return { ctx, page, requests, errors };
}

const foreign = (requests: string[], origins: string[]) => requests.filter((u) => /^https?:/i.test(u) && !origins.includes(new URL(u).origin));

maybe('board in Chromium', () => {
  test('renders inside a cross-origin iframe and counts down every row', async () => {
    const { ctx, page, requests, errors } = await openPage();
    try {
      await page.goto(`${parentOrigin}/`);
      const frame = page.frame({ url: new RegExp(`/board/${boardToken}$`) })!;
      expect(frame).not.toBeNull();
      await frame.waitForSelector('#gd-active li');
      const states = await frame.locator('#gd-active > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-state')));
      expect(states).toEqual(['overdue', 'due_soon', 'on_track', 'on_track']);
      expect(await frame.locator('#gd-done > li .t').allInnerTexts()).toEqual(['Sunset the v1 API', 'Design review']); // latest first
      expect(await frame.locator('#gd-sum').innerText()).toBe('4 active · 1 overdue · 1 due soon');
      const first = await frame.locator('#gd-active > li:nth-child(3) .big').innerText();
      expect(first).toMatch(/^2d\s*0[45]h/);
      await frame.waitForFunction((prev) => document.querySelector('#gd-active > li:nth-child(3) .big')?.textContent !== prev, first.replace(/\s/g, ''), { timeout: 2500 });
      const link = frame.locator('#gd-active > li:nth-child(1) a.t');
      expect(await link.getAttribute('href')).toBe('https://github.com/octo/app/issues/41');
      expect(await link.getAttribute('rel')).toContain('noreferrer');
      // Accessible: named lists, timers, a live region.
      expect(await frame.locator('ol#gd-active').getAttribute('aria-labelledby')).toBe('gd-ah');
      expect(await frame.locator('[role=timer]').count()).toBe(6);
      expect(errors).toEqual([]);
      expect(foreign(requests, [origin, parentOrigin])).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  for (const theme of ['light', 'dark'] as const) {
    test(`${theme} theme at 250, 600 and 900 px: no sideways scroll, nothing wider than the frame`, async () => {
      const bg = theme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(25, 25, 25)';
      for (const [query, scheme] of [['', theme], [`?theme=${theme}`, theme === 'light' ? 'dark' : 'light']] as const) {
        const { ctx, page, requests, errors } = await openPage({ colorScheme: scheme });
        try {
          for (const width of [250, 600, 900]) {
            await page.setViewportSize({ width, height: 560 });
            await page.goto(`${origin}/board/${boardToken}${query}`);
            await page.waitForSelector('#gd-active li .big b');
            const m = await page.evaluate(() => ({
              scrollWidth: document.documentElement.scrollWidth,
              innerWidth,
              bg: getComputedStyle(document.body).backgroundColor,
              // What is drawn (a long title's own box runs on under its ellipsis, clipped by .t).
              widest: Math.max(...Array.from(document.querySelectorAll('main, li, .top, .pill, .t, .ref, .timer, .due, h1, .sum'), (e) => e.getBoundingClientRect().right)),
              timerRight: Math.max(...Array.from(document.querySelectorAll('.timer'), (e) => e.getBoundingClientRect().right)),
            }));
            expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
            expect(m.widest).toBeLessThanOrEqual(width);
            expect(m.timerRight).toBeLessThanOrEqual(width);
            expect(m.bg).toBe(bg);
            if (query === '') await page.screenshot({ path: path.join(ARTIFACTS, `${theme}-${width}.png`), fullPage: width !== 600 });
          }
          expect(errors).toEqual([]);
          expect(foreign(requests, [origin])).toEqual([]);
        } finally {
          await ctx.close();
        }
      }
    });
  }

  test('a completion appears without a reload: the row moves to the finished list and it is announced', async () => {
    served.pollSeconds = 1;
    const { ctx, page, errors } = await openPage();
    try {
      await page.goto(`${origin}/board/${boardToken}`);
      await page.waitForSelector('#gd-active li');
      await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
      await setCompleted(t.db, goals.notes!.id, { via: 'commit', at: new Date(), sha: 'b'.repeat(40), author: 'carol' });
      await page.waitForFunction(() => document.querySelector('#gd-done > li .t')?.textContent === 'Release notes for v2.0', null, { timeout: 5000 });
      expect(await page.locator('#gd-done > li').first().getAttribute('data-state')).toBe('completed');
      expect(await page.locator('#gd-done > li').first().locator('.big').innerText()).toBe('Done');
      expect(await page.locator('#gd-active > li .t').allInnerTexts()).not.toContain('Release notes for v2.0');
      expect(await page.locator('#gd-sum').innerText()).toBe('3 active · 1 overdue');
      expect(await page.locator('#gd-live').textContent()).toBe('Completed: Release notes for v2.0');
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
      expect(errors).toEqual([]);
    } finally {
      served.pollSeconds = undefined;
      await ctx.close();
    }
  });

  test('a link withdrawn while the board is open: it says so and stops reading', async () => {
    served.pollSeconds = 1;
    const other = await upsertRepository(t.db, { id: 777, installationId: 77, fullName: 'octo/side' }).then(() => ensureBoard(t.db, 777));
    const { ctx, page } = await openPage();
    try {
      await page.goto(`${origin}/board/${other.token}`);
      await page.waitForSelector('#gd-empty');
      await replaceBoardToken(t.db, 777, { share: false });
      await page.waitForFunction(() => document.getElementById('gd-note')?.textContent === "This board's link was withdrawn.", null, { timeout: 5000 });
      expect(await page.locator('#gd-note').isVisible()).toBe(true);
      expect(await page.locator('#gd-as').isVisible()).toBe(false);
      await page.screenshot({ path: path.join(ARTIFACTS, 'withdrawn-while-open.png') });
    } finally {
      served.pollSeconds = undefined;
      await ctx.close();
    }
  });

  test('a countdown page whose link is withdrawn while it is open says so and stops reading', async () => {
    served.pollSeconds = 1;
    const side = await goal('side', 'A goal on the side', 30 * HOUR, 70);
    const { ctx, page } = await openPage();
    const polls: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('.json')) polls.push(r.url());
    });
    try {
      await page.goto(`${origin}/embed/${side.token}`);
      await page.waitForSelector('#gd-big b');
      expect(await page.locator('#gd-note').isVisible()).toBe(false);
      await replaceToken(t.db, side.id, { share: false });
      await page.waitForFunction(() => document.getElementById('gd-note')?.textContent === 'This link was withdrawn', null, { timeout: 5000 });
      expect(await page.locator('#gd-note').isVisible()).toBe(true);
      const seen = polls.length;
      await page.waitForTimeout(2500);
      expect(polls.length).toBe(seen);
    } finally {
      served.pollSeconds = undefined;
      await ctx.close();
    }
  });

  test('a withdrawn or unknown badge still draws as a badge where a README shows it', async () => {
    await replaceToken(t.db, goals.sunset!.id, { share: false });
    const { ctx, page } = await openPage();
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('.svg')) statuses.push(r.status());
    });
    try {
      await page.goto(`${origin}/dead-badges`);
      await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
      const sizes = await page.evaluate(() => Array.from(document.images, (i) => [i.id, i.naturalWidth, i.naturalHeight]));
      expect(statuses.sort()).toEqual([404, 410]);
      for (const [, w, h] of sizes) {
        expect(w).toBeGreaterThan(50);
        expect(h).toBe(20);
      }
      await page.screenshot({ path: path.join(ARTIFACTS, 'dead-badges.png') });
    } finally {
      await ctx.close();
    }
  });
});
