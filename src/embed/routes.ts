import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../db/database.js';
import type { Metrics } from '../http/metrics.js';
import { readBoard, readGoalLink, type LiveBoard } from '../usecases/read-links.js';
import { renderBadge } from './badge.js';
import { renderBoardPage } from './board.js';
import { BOARD_ACTIVE_MAX, toBoardView, type BoardView } from './board-view.js';
import { renderIcs, renderIcsFeed } from './ics.js';
import { renderLanding } from './landing.js';
import { renderDeadBadge, renderDeadIcs, renderDeadJson, renderDeadShields, renderNotFoundPage, type DeadReason, type DeadWhat } from './not-found.js';
import { renderPage, type PageTheme } from './page.js';
import { boardCsp, boardScript, pageCsp, pageScript } from './page-bundle.js';
import { renderShields } from './shields.js';
import { toView, type GoalView } from './view.js';
import { lookupCache } from './lookup-cache.js';

type Variant = 'page' | 'json' | 'svg' | 'ics' | 'shields';

// Tokens are base64url; anything else is not a token and never reaches the database.
const GOAL_ROUTE = /^\/embed\/([A-Za-z0-9_-]{10,64})(\.json|\.svg|\.ics|\/shields\.json)?\/?$/;
const BOARD_ROUTE = /^\/board\/([A-Za-z0-9_-]{10,64})(\.json|\.ics)?\/?$/;

const VARIANTS: Record<string, Variant> = { '': 'page', '.json': 'json', '.svg': 'svg', '.ics': 'ics', '/shields.json': 'shields' };

/** On every embed answer: the token in the URL is a secret, so no referrer and no search index. */
const PRIVATE = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' };

const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'";
const DEAD_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *";

export interface EmbedDeps {
  db: Db;
  publicUrl: string;
  githubUrl: string;
  metrics: Metrics;
  now?: () => Date;
  /** How long a goal or board looked up by token may be reused (see lookup-cache.ts); 0 = always query. */
  cacheMs?: number;
  /** How often the page and the board re-read their JSON, in seconds (default 30; tests make it short). */
  pollSeconds?: number;
}

/**
 * `/`, `/embed/<token>[.json|.svg|.ics|/shields.json]` (read-only views of one goal) and
 * `/board/<token>[.json|.ics]` (a repository's goals). A token that is unknown answers 404,
 * one whose link was withdrawn 410, each in the shape of the variant (not-found.ts).
 */
export function embedRoutes(deps: EmbedDeps) {
  const goalLookup = lookupCache((token) => readGoalLink(deps.db, token), deps.cacheMs ?? 0);
  const boardLookup = lookupCache((token) => readBoard(deps.db, token), deps.cacheMs ?? 0);
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      send(req, res, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=300' }, renderLanding({ publicUrl: deps.publicUrl }));
      return true;
    }
    if (url.pathname.startsWith('/embed/')) {
      await goalRoute(deps, goalLookup, req, res, url);
      return true;
    }
    if (url.pathname.startsWith('/board/')) {
      await boardRoute(deps, boardLookup, req, res, url);
      return true;
    }
    return false;
  };
}

type Lookup<T> = (token: string) => Promise<T>;

async function goalRoute(deps: EmbedDeps, lookup: Lookup<Awaited<ReturnType<typeof readGoalLink>>>, req: IncomingMessage, res: ServerResponse, url: URL) {
  const m = GOAL_ROUTE.exec(url.pathname);
  const variant: Variant = m ? VARIANTS[m[2] ?? '']! : guessVariant(url.pathname);
  const link = m ? await lookup(m[1]!) : undefined;
  deps.metrics.embedRequests.inc({ variant, status: link?.state === 'live' ? 'found' : link ? 'withdrawn' : 'not_found' });
  if (link?.state !== 'live') return dead(req, res, variant, link ? 'withdrawn' : 'not_found', 'countdown');
  const goal = link.value;
  const view = toView(goal, deps.now?.() ?? new Date(), deps.githubUrl);
  const pageUrl = `${deps.publicUrl}/embed/${goal.token}`;
  const theme = variant === 'page' ? pageTheme(url) : 'auto';
  const draw = (v: GoalView): Rendered => {
    switch (variant) {
      case 'page':
        return { body: renderPage(v, { theme, embedUrl: pageUrl, pollSeconds: deps.pollSeconds, script: pageScript() }), type: HTML };
      case 'json':
        return { body: JSON.stringify(v), type: JSON_TYPE };
      case 'svg':
        return { body: renderBadge(v), type: 'image/svg+xml; charset=utf-8' };
      case 'shields':
        return { body: JSON.stringify(renderShields(v)), type: JSON_TYPE };
      case 'ics':
        return { body: renderIcs(v, { uid: `${goal.token}@gitdone`, url: pageUrl }), type: CALENDAR };
    }
  };
  // Strong ETags, and every answer revalidated (no-cache), so a 304 is the common case:
  // - Badges (.svg, shields.json) hold no clock, only words like "3d 4h left" that change at most
  //   once a minute: their tag hashes the bytes, so GitHub's image proxy mostly gets a 304.
  // - The page, JSON and calendar hold the server's `now`, so a hash of their bytes would never
  //   match twice. Their validator is clock-free: what the goal *is* (version; state, whose
  //   time-driven on_track → due_soon → overdue steps must show; repository name and tracking,
  //   which change without a version bump; theme), plus the same variant drawn at a fixed
  //   instant, which covers the rest (title, links, markup and script after a deploy, so a 304's
  //   CSP always fits the cached script). A cached page thus holds a stale `now`: its script
  //   re-reads the clock itself, fetching `.json` with cache: 'no-store' right after load.
  const byBytes = variant === 'svg' || variant === 'shields';
  const identity = JSON.stringify([goal.version, variant, view.state, variant === 'page' ? theme : null, view.repo, view.tracked, view.status]);
  const headers: Record<string, string> = {};
  if (variant === 'page') headers['content-security-policy'] = pageCsp(); // frame-ancestors *, and no X-Frame-Options
  if (variant === 'svg') headers['content-security-policy'] = SVG_CSP;
  if (variant === 'json' || variant === 'shields') headers['access-control-allow-origin'] = '*';
  if (variant === 'ics') headers['content-disposition'] = `inline; filename="deadline-${fileName(goal.keyword)}.ics"`;
  answer(req, res, { draw: () => draw(view), still: () => draw({ ...view, now: FIXED_NOW }), byBytes, identity, headers });
}

async function boardRoute(deps: EmbedDeps, lookup: Lookup<Awaited<ReturnType<typeof readBoard>>>, req: IncomingMessage, res: ServerResponse, url: URL) {
  const m = BOARD_ROUTE.exec(url.pathname);
  const variant: Variant = m ? VARIANTS[m[2] ?? '']! : guessVariant(url.pathname);
  const link = m ? await lookup(m[1]!) : undefined;
  deps.metrics.embedRequests.inc({ variant: `board_${variant}`, status: link?.state === 'live' ? 'found' : link ? 'withdrawn' : 'not_found' });
  if (link?.state !== 'live') return dead(req, res, variant, link ? 'withdrawn' : 'not_found', 'board');
  const live = link.value;
  const now = deps.now?.() ?? new Date();
  const view = toBoardView(live.content, now, deps.githubUrl);
  const boardUrl = `${deps.publicUrl}/board/${live.board.token}`;
  const theme = variant === 'page' ? pageTheme(url) : 'auto';
  const draw = (v: BoardView, at: Date): Rendered => {
    switch (variant) {
      case 'page':
        return { body: renderBoardPage(v, { theme, boardUrl, pollSeconds: deps.pollSeconds, script: boardScript() }), type: HTML };
      case 'ics':
        return { body: boardFeed(live, at, boardUrl, deps.githubUrl), type: CALENDAR };
      default:
        return { body: JSON.stringify(v), type: JSON_TYPE };
    }
  };
  // As for a goal's page: a clock-free validator, from what each goal is (the board drawn at a
  // fixed instant, which holds every field) and the state each is in now.
  const identity = JSON.stringify([variant, variant === 'page' ? theme : null, view.repository, view.active_total, view.goals.map((g) => g.state)]);
  const still = new Date(FIXED_NOW);
  const stillView: BoardView = { ...view, now: FIXED_NOW, goals: view.goals.map((g) => ({ ...g, now: FIXED_NOW })) };
  const headers: Record<string, string> = {};
  if (variant === 'page') headers['content-security-policy'] = boardCsp();
  if (variant === 'json') headers['access-control-allow-origin'] = '*';
  if (variant === 'ics') headers['content-disposition'] = `inline; filename="deadlines-${fileName(view.repository.name)}.ics"`;
  answer(req, res, { draw: () => draw(view, now), still: () => draw(stillView, still), byBytes: false, identity, headers });
}

/**
 * The board's calendar feed: one event per active goal shown on the board, each with a UID
 * that depends only on the board and the goal (never on the goal's own token, which `share`
 * replaces, nor on its deadline), so a calendar moves the event when the goal moves.
 */
function boardFeed(live: LiveBoard, at: Date, boardUrl: string, githubUrl: string): string {
  const items = live.content.active.slice(0, BOARD_ACTIVE_MAX).map((goal) => {
    const view = toView(goal, at, githubUrl);
    const uid = `${createHash('sha256').update(`${live.board.token}:${goal.id}`).digest('base64url').slice(0, 22)}@board.gitdone`;
    return { view, uid, url: view.issue_url, link: { label: 'Board', url: boardUrl } };
  });
  return renderIcsFeed(items, { name: live.content.repoFullName, url: boardUrl });
}

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const CALENDAR = 'text/calendar; charset=utf-8';

/** The instant at which the page, JSON and calendar are drawn for their ETag: any constant will do. */
const FIXED_NOW = new Date(0).toISOString();

interface Rendered {
  body: string;
  type: string;
}

/**
 * A 200 (or a 304 for a matching If-None-Match) with a strong ETag and `no-cache`: from the
 * bytes for badges, else from `identity` and the answer drawn at a fixed instant (`still`).
 */
function answer(
  req: IncomingMessage,
  res: ServerResponse,
  a: { draw: () => Rendered; still: () => Rendered; byBytes: boolean; identity: string; headers: Record<string, string> },
): void {
  let fresh: Rendered | undefined;
  let etag: string;
  let type: string;
  if (a.byBytes) {
    fresh = a.draw();
    ({ type } = fresh);
    etag = strongTag(fresh.body);
  } else {
    const still = a.still();
    ({ type } = still);
    etag = strongTag(a.identity + '\n' + still.body);
  }
  const headers: Record<string, string> = {
    ...PRIVATE,
    'content-type': type,
    etag,
    // Revalidate every time (GitHub's image proxy included): a 304 is cheap, a stale countdown is wrong.
    'cache-control': 'no-cache',
    ...a.headers,
  };
  if (matches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  send(req, res, 200, headers, (fresh ?? a.draw()).body);
}

function strongTag(text: string): string {
  return `"${createHash('sha1').update(text).digest('base64url')}"`;
}

/** `?theme=light|dark`; anything else (absent, `auto`, a typo) is `auto`, with the same ETag. */
function pageTheme(url: URL): PageTheme {
  const t = url.searchParams.get('theme');
  return t === 'light' || t === 'dark' ? t : 'auto';
}

/** A name for Content-Disposition: only characters that need no quoting. */
function fileName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80);
}

/** If-None-Match (RFC 9110 §13.1.2): `*` or a list of tags, compared weakly. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.trim() === '*' || header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function guessVariant(path: string): Variant {
  if (path.endsWith('/shields.json')) return 'shields';
  if (path.endsWith('.json')) return 'json';
  if (path.endsWith('.svg')) return 'svg';
  if (path.endsWith('.ics')) return 'ics';
  return 'page';
}

/**
 * A dead link in the shape that was asked for: 404 for a token that never was, 410 for a
 * withdrawn one, never cached. `shields.json` alone answers 200: shields.io draws an
 * endpoint's own error badge only from a 200 (any other status becomes its generic
 * "resource not found" / "invalid"), and says it is an error through `isError`.
 */
function dead(req: IncomingMessage, res: ServerResponse, variant: Variant, reason: DeadReason, what: DeadWhat): void {
  const status = reason === 'withdrawn' ? 410 : 404;
  const headers = { ...PRIVATE, 'cache-control': 'no-store' };
  const cors = { 'access-control-allow-origin': '*' };
  switch (variant) {
    case 'json':
      return send(req, res, status, { ...headers, ...cors, 'content-type': JSON_TYPE }, JSON.stringify(renderDeadJson(reason, what)));
    case 'shields':
      return send(req, res, 200, { ...headers, ...cors, 'content-type': JSON_TYPE }, JSON.stringify(renderDeadShields(reason)));
    case 'svg':
      return send(req, res, status, { ...headers, 'content-type': 'image/svg+xml; charset=utf-8', 'content-security-policy': SVG_CSP }, renderDeadBadge(reason));
    case 'ics':
      return send(req, res, status, { ...headers, 'content-type': CALENDAR }, renderDeadIcs(reason, what));
    case 'page':
      return send(req, res, status, { ...headers, 'content-type': HTML, 'content-security-policy': DEAD_PAGE_CSP }, renderNotFoundPage(reason, what));
  }
}

function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
