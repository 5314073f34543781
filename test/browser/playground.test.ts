/**
 * The playground in a real Chromium: `dist/src/playground/main.js` as a process (the stand-in
 * GitHub, the embedded PostgreSQL, GitDone's real intake, jobs and notices), driven the way a
 * visitor would: type a command, see GitDone's reply, its reaction and the countdown, push
 * the keyword, see the completion. Screenshots go to test-artifacts/playground/ (the README's
 * docs/images/playground.png is light-1200-completed.png).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import { killAll, startServer, type ServerProcess } from '../e2e/server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  console.warn(`\n*** SKIPPING playground browser test: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH) ***\n`);
}
const maybe = HAVE_CHROMIUM ? describe : describe.skip;

const ARTIFACTS = path.resolve('test-artifacts/playground');
const DATA_DIR = path.resolve('test-artifacts/playground-data');
/** GitDone answers within a second here; Octokit's pacing adds up to 3 s before a second comment. */
const SEEN_MS = 15_000;

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  // Creating the embedded PostgreSQL (initdb) is the slow part, seconds on a busy machine: its
  // folder is kept across runs (the playground empties the database itself at every start).
  [server, browser] = await Promise.all([
    startServer({ app: false, entry: 'dist/src/playground/main.js', readyTimeoutMs: 90_000, env: { GITDONE_DATA_DIR: DATA_DIR } }),
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    }),
  ]);
  console.log(`playground: ready in ${server.readyMs} ms (spawn → /readyz 200 → workers running)`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  // A clean stop leaves the kept PostgreSQL ready for the next run (a killed one needs recovery first).
  await server?.stop();
  await killAll();
});

const thread = (page: Page) => page.locator('#items');
const gitdoneSaid = (page: Page, text: string | RegExp) => thread(page).locator('li[data-bot] .md', { hasText: text });

maybe('the playground in Chromium', () => {
  test(
    'a /deadline comment gets its reply, +1 and a live countdown; pushing the keyword completes it',
    async () => {
      const ctx = await browser.newContext({ viewport: { width: 1200, height: 1000 }, colorScheme: 'light', locale: 'en-US' });
      const page = await ctx.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
      });
      try {
        // localhost, as the playground prints it (it listens on 127.0.0.1).
        const origin = `http://localhost:${server.port}`;
        await page.goto(`${origin}/playground`);
        await expect(thread(page).locator('li').first().innerText()).resolves.toContain('This issue lives in the playground');

        await page.fill('#author', 'alice');
        await page.selectOption('#role', 'write');
        await page.fill('#body', '/deadline tomorrow 5pm Try GitDone keyword=try-it');
        await page.click('#send');

        const reply = gitdoneSaid(page, 'Deadline set');
        await reply.waitFor({ timeout: SEEN_MS });
        expect(await reply.innerText()).toMatch(/Try GitDone[\s\S]*try-it[\s\S]*\/embed\//);
        // The hidden marker is not shown, as on GitHub; the <details> works.
        expect(await reply.innerText()).not.toContain('gitdone:');
        await expect(reply.locator('details summary').count()).resolves.toBe(1);
        const command = thread(page).locator('li[data-author="alice"]');
        await command.locator('.react[data-content="+1"]').waitFor({ timeout: SEEN_MS });
        expect(await page.locator('#deliveries').innerText()).toMatch(/200\s*issue_comment\.created/);

        const embed: FrameLocator = page.frameLocator('#embed');
        await embed.locator('#gd-big b').first().waitFor({ timeout: SEEN_MS });
        expect(await embed.locator('#gd-pill').innerText()).toMatch(/^(On track|Due soon)$/);
        expect(await embed.locator('#gd-big').innerText()).toMatch(/\d+\s*h/);
        expect(await embed.locator('h1').innerText()).toBe('Try GitDone');
        await page.screenshot({ path: path.join(ARTIFACTS, 'light-1200-countdown.png'), fullPage: true });

        await page.fill('#branch', 'main');
        await page.fill('#message', 'try-it done');
        await page.click('#push-send');
        await gitdoneSaid(page, /completed .* early/).waitFor({ timeout: SEEN_MS });
        expect(await thread(page).locator('li[data-kind="push"]').innerText()).toMatch(/alice pushed [0-9a-f]{7} to main: try-it done/);
        await embed.locator('#gd-big', { hasText: 'Done' }).waitFor({ timeout: SEEN_MS });
        expect(await embed.locator('#gd-pill').innerText()).toBe('Completed');
        await page.screenshot({ path: path.join(ARTIFACTS, 'light-1200-completed.png'), fullPage: true });

        await page.emulateMedia({ colorScheme: 'dark' });
        await page.screenshot({ path: path.join(ARTIFACTS, 'dark-1200-completed.png'), fullPage: true });

        expect(errors).toEqual([]);
        // Self-contained: nothing but its own origin (the stand-in's links are never followed).
        expect(requests.filter((u) => /^https?:/i.test(u) && new URL(u).origin !== origin)).toEqual([]);
      } finally {
        await ctx.close();
      }
    },
    90_000,
  );
});
