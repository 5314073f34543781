import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/database.js';
import type { Goal } from '../goals/types.js';
import type { Metrics } from '../http/metrics.js';
import { readBoard, readGoalLink, type Link, type LiveBoard } from '../usecases/read-links.js';
import { renderBadge } from './badge.js';
import { renderBoardPage } from './board.js';
import { BOARD_ACTIVE_MAX, toBoardView, type BoardView } from './board-view.js';
import { renderIcs, renderIcsFeed } from './ics.js';
import { renderLanding } from './landing.js';
import { renderDeadBadge, renderDeadIcs, renderDeadJson, renderDeadShields, renderNotFoundPage, type DeadReason, type DeadWhat } from './not-found.js';
import { renderPage, type PageTheme } from './page.js';
import { boardCsp, boardScript, pageCsp, pageScript } from './page-bundle.js';
import { renderShields } from './shields.js';
import { toView } from './view.js';
import { lookupCache, type Lookup } from './lookup-cache.js';

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
  /**
   * The freshness window (ms): how long a goal or board looked up by token may be reused (see
   * lookup-cache.ts), and with it the answers drawn from it; 0 = always query, always draw.
   */
  cacheMs?: number;
  /** How often the page and the board re-read their JSON, in seconds (default 30; tests make it short). */
  pollSeconds?: number;
  /** What a goal's token leads to (default: the database; tests: a stand-in). */
  findGoal?: (token: string) => Promise<Link<Goal>>;
  /** What a board's token leads to (default: the database; tests: a stand-in). */
  findBoard?: (token: string) => Promise<Link<LiveBoard>>;
}

/**
 * What the embed caches hold at most, so that no scan of tokens or query strings grows memory:
 * goals looked up (live, withdrawn or unknown); boards looked up, counted and weighed in the
 * goals they hold (a live board up to 120, any other outcome 1); and answers drawn (≤ 7 per
 * goal token: page × 3 themes, .json, .svg, .ics, shields.json; ≤ 5 per board token: page × 3
 * themes, .json, .ics; dead links draw none), counted and weighed in bytes.
 */
export const EMBED_CACHE_LIMITS = { lookups: 10_000, boardLookups: 10_000, boardGoals: 10_000, answers: 10_000, answerBytes: 16 * 2 ** 20 };

/** One answer, drawn once and sent as is while its goal or board is the one the lookup holds. */
interface Answer {
  /** The lookup's object it was drawn from (a goal, a board): a new object (a fresh query) means draw again. */
  source: object;
  etag: string;
  headers: Record<string, string>;
  /** The same, without content-length, for a 304. */
  notModified: Record<string, string>;
  body: Buffer;
  /** .json: where in `body` the 24 characters of each `now` are, filled in with the clock at each answer. */
  clockAt?: number[];
  /** .json: the last copy with the clock filled in (requests in the same millisecond share it). */
  clocked?: { iso: string; body: Buffer };
}

export type EmbedHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) & {
  /** What the caches hold now (tests check that it stays within EMBED_CACHE_LIMITS). */
  cacheSize(): { lookups: number; boardLookups: number; boardGoals: number; answers: number; answerBytes: number };
};

/**
 * `/`, `/embed/<token>[.json|.svg|.ics|/shields.json]` (read-only views of one goal) and
 * `/board/<token>[.json|.ics]` (a repository's goals). A token that is unknown answers 404,
 * one whose link was withdrawn 410, each in the shape of the variant (not-found.ts), from
 * bytes built once per shape.
 *
 * An unchanged goal or board costs a map lookup and a write: what its token leads to is reused
 * for the freshness window (`cacheMs`; GitDone runs with 1 s), withdrawn and unknown tokens
 * included, and each answer drawn from a live one (bytes, ETag and headers, per token, variant
 * and theme; other query parameters change nothing, so they are not part of the key) is sent
 * again as long as the lookup returns that same object. Once the window has passed, the next
 * request queries again; a new object means the answer is drawn again, so a move, completion,
 * cancellation or withdrawal, and a state stepping from on_track to due_soon to overdue, show
 * within the window. Only `.json`'s `now`, the page's and the board's source of the server
 * clock, is filled in fresh at every answer.
 */
export function embedRoutes(deps: EmbedDeps): EmbedHandler {
  const windowMs = deps.cacheMs ?? 0;
  const goals = lookupCache(deps.findGoal ?? ((token: string) => readGoalLink(deps.db, token)), windowMs, EMBED_CACHE_LIMITS.lookups);
  const boards = lookupCache(deps.findBoard ?? ((token: string) => readBoard(deps.db, token)), windowMs, EMBED_CACHE_LIMITS.boardLookups, {
    max: EMBED_CACHE_LIMITS.boardGoals,
    of: (link) => (link?.state === 'live' ? 1 + link.value.content.active.length + link.value.content.finished.length : 1),
  });
  // lru-cache again (see lookup-cache.ts): bounded by count and by bytes, least recently used out first.
  const answers =
    windowMs > 0
      ? new LRUCache<string, Answer>({ max: EMBED_CACHE_LIMITS.answers, maxSize: EMBED_CACHE_LIMITS.answerBytes, sizeCalculation: (a) => a.body.length + 512 })
      : undefined;
  const landing = prepared(200, { 'content-type': HTML, 'cache-control': 'public, max-age=300' }, renderLanding({ publicUrl: deps.publicUrl }));
  const counted = counters(deps.metrics);

  /** The answer for `key`, drawn again unless the cached one came from `source`. */
  const cached = (key: string, source: object, draw: () => Answer): Answer => {
    let answer = answers?.get(key);
    if (answer?.source !== source) {
      answer = draw();
      answers?.set(key, answer);
    }
    return answer;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const { pathname, search } = splitTarget(req.url ?? '/');
    if (pathname === '/') {
      send(req, res, landing.status, landing.headers, landing.body);
      return true;
    }
    const isGoal = pathname.startsWith('/embed/');
    if (!isGoal && !pathname.startsWith('/board/')) return false;
    const m = (isGoal ? GOAL_ROUTE : BOARD_ROUTE).exec(pathname);
    const suffix = m?.[2] ?? '';
    const variant: Variant = m ? VARIANTS[suffix]! : guessVariant(pathname);
    const what: DeadWhat = isGoal ? 'countdown' : 'board';
    const lookup: Lookup<Link<Goal> | Link<LiveBoard>> = isGoal ? goals : boards;
    // A fresh outcome is at hand without waiting; otherwise query (or join the query in flight).
    const link = m ? (lookup.held(m[1]!) ?? { value: await lookup(m[1]!) }).value : undefined;
    counted(isGoal ? variant : `board_${variant}`, link?.state === 'live' ? 'found' : link ? 'withdrawn' : 'not_found').inc();
    if (link?.state !== 'live') {
      const gone = dead(variant, link ? 'withdrawn' : 'not_found', what);
      send(req, res, gone.status, gone.headers, gone.body);
      return true;
    }
    const theme = variant === 'page' ? pageTheme(search) : undefined;
    const key = `${isGoal ? 'g' : 'b'}/${m![1]}${theme ? `?${theme}` : suffix}`;
    const answer = isGoal
      ? cached(key, link.value, () => drawGoal(link.value as Goal, variant, theme, deps))
      : cached(key, link.value, () => drawBoard(link.value as LiveBoard, variant, theme, deps));
    if (matches(req.headers['if-none-match'], answer.etag)) {
      res.writeHead(304, answer.notModified);
      res.end();
      return true;
    }
    send(req, res, 200, answer.headers, answer.clockAt === undefined ? answer.body : withClock(answer, deps.now?.() ?? new Date()));
    return true;
  };
  return Object.assign(handle, {
    cacheSize: () => ({
      lookups: goals.size,
      boardLookups: boards.size,
      boardGoals: boards.weight,
      answers: answers?.size ?? 0,
      answerBytes: answers?.calculatedSize ?? 0,
    }),
  });
}

/** One goal's answer for a variant and theme, drawn now: body, ETag, headers. */
function drawGoal(goal: Goal, variant: Variant, theme: PageTheme | undefined, deps: EmbedDeps): Answer {
  const view = toView(goal, deps.now?.() ?? new Date(), deps.githubUrl);
  const pageUrl = `${deps.publicUrl}/embed/${goal.token}`;
  const render = (v: typeof view): Rendered => {
    switch (variant) {
      case 'page':
        return { body: renderPage(v, { theme: theme ?? 'auto', embedUrl: pageUrl, pollSeconds: deps.pollSeconds, script: pageScript() }), type: HTML };
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
  const identity = JSON.stringify([goal.version, variant, view.state, theme ?? null, view.repo, view.tracked, view.status]);
  const headers: Record<string, string> = {};
  if (variant === 'page') headers['content-security-policy'] = pageCsp(); // frame-ancestors *, and no X-Frame-Options
  if (variant === 'svg') headers['content-security-policy'] = SVG_CSP;
  if (variant === 'json' || variant === 'shields') headers['access-control-allow-origin'] = '*';
  if (variant === 'ics') headers['content-disposition'] = `inline; filename="deadline-${fileName(goal.keyword)}.ics"`;
  const fresh = render(view);
  return built(goal, fresh, byBytes ? undefined : { identity, still: render({ ...view, now: FIXED_NOW }) }, headers, variant === 'json' ? view.now : undefined);
}

/** One board's answer for a variant and theme, drawn now. */
function drawBoard(live: LiveBoard, variant: Variant, theme: PageTheme | undefined, deps: EmbedDeps): Answer {
  const now = deps.now?.() ?? new Date();
  const view = toBoardView(live.content, now, deps.githubUrl);
  const boardUrl = `${deps.publicUrl}/board/${live.board.token}`;
  const render = (v: BoardView, at: Date): Rendered => {
    switch (variant) {
      case 'page':
        return { body: renderBoardPage(v, { theme: theme ?? 'auto', boardUrl, pollSeconds: deps.pollSeconds, script: boardScript() }), type: HTML };
      case 'ics':
        return { body: boardFeed(live, at, boardUrl, deps.githubUrl), type: CALENDAR };
      default:
        return { body: JSON.stringify(v), type: JSON_TYPE };
    }
  };
  // As for a goal's page: a clock-free validator, from what each goal is (the board drawn at a
  // fixed instant, which holds every field) and the state each is in now.
  const identity = JSON.stringify([variant, theme ?? null, view.repository, view.active_total, view.goals.map((g) => g.state)]);
  const stillView: BoardView = { ...view, now: FIXED_NOW, goals: view.goals.map((g) => ({ ...g, now: FIXED_NOW })) };
  const headers: Record<string, string> = {};
  if (variant === 'page') headers['content-security-policy'] = boardCsp();
  if (variant === 'json') headers['access-control-allow-origin'] = '*';
  if (variant === 'ics') headers['content-disposition'] = `inline; filename="deadlines-${fileName(view.repository.name)}.ics"`;
  const fresh = render(view, now);
  return built(live, fresh, { identity, still: render(stillView, new Date(FIXED_NOW)) }, headers, variant === 'json' ? view.now : undefined);
}

/**
 * An answer ready to send: a strong ETag and `no-cache`, the tag from the bytes (badges) or
 * else from `clockFree`, i.e. what the thing is and the answer drawn at a fixed instant.
 * `now`: the clock written in the body, to be filled in afresh at each answer (`.json`).
 */
function built(
  source: object,
  fresh: Rendered,
  clockFree: { identity: string; still: Rendered } | undefined,
  extra: Record<string, string>,
  now: string | undefined,
): Answer {
  const etag = strongTag(clockFree ? clockFree.identity + '\n' + clockFree.still.body : fresh.body);
  const headers: Record<string, string> = {
    ...PRIVATE,
    'content-type': fresh.type,
    etag,
    // Revalidate every time (GitHub's image proxy included): a 304 is cheap, a stale countdown is wrong.
    'cache-control': 'no-cache',
    ...extra,
  };
  const body = Buffer.from(fresh.body, 'utf8');
  return { source, etag, notModified: headers, headers: { ...headers, 'content-length': String(body.length) }, body, clockAt: now === undefined ? undefined : clockOffsets(body, now) };
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

/**
 * Where each `"now":"…"` value of a `.json` starts (a goal's one; a board's, its own and each
 * goal's), if they can be rewritten in place. In JSON the sequence `"now":"` is a key and
 * nothing else: a quote inside a string is always escaped.
 */
function clockOffsets(body: Buffer, now: string): number[] | undefined {
  if (Buffer.byteLength(now) !== 24) return undefined;
  const needle = Buffer.from(`"now":"${now}"`, 'latin1');
  const at: number[] = [];
  for (let i = body.indexOf(needle); i >= 0; i = body.indexOf(needle, i + needle.length)) at.push(i + 7);
  return at.length ? at : undefined;
}

/**
 * The answer with the clock read now, in a copy of its own (never written into bytes that may
 * still be queued on a socket), shared by the requests of the same millisecond.
 */
function withClock(answer: Answer, now: Date): Buffer {
  const iso = now.toISOString();
  if (answer.clocked?.iso === iso) return answer.clocked.body;
  if (iso.length !== 24) return answer.body;
  const body = Buffer.allocUnsafe(answer.body.length);
  answer.body.copy(body);
  for (const at of answer.clockAt!) body.write(iso, at, 'latin1');
  answer.clocked = { iso, body };
  return body;
}

type Status = 'found' | 'withdrawn' | 'not_found';

/** One labelled child per variant and status, looked up once rather than per request. */
function counters(metrics: Metrics) {
  const children = new Map<string, ReturnType<Metrics['embedRequests']['labels']>>();
  return (variant: string, status: Status) => {
    const key = `${variant}:${status}`;
    let child = children.get(key);
    if (!child) children.set(key, (child = metrics.embedRequests.labels({ variant, status })));
    return child;
  };
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

function strongTag(text: string): string {
  return `"${createHash('sha1').update(text).digest('base64url')}"`;
}

/**
 * The path and query of a request target. An embed or board path as links write it needs no
 * URL parser: the routes admit nothing a parser would change (no dot segments, backslashes or
 * escapes), so it is split as is; anything else goes through WHATWG URL, which resolves `..`
 * and the rest.
 */
function splitTarget(target: string): { pathname: string; search: string } {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  if ((GOAL_ROUTE.test(path) || BOARD_ROUTE.test(path)) && !target.includes('#')) return { pathname: path, search: q < 0 ? '' : target.slice(q) };
  const url = new URL(target, 'http://x');
  return { pathname: url.pathname, search: url.search };
}

/** `?theme=light|dark`; anything else (absent, `auto`, a typo) is `auto`, with the same ETag. */
function pageTheme(search: string): PageTheme {
  if (!search) return 'auto';
  const t = new URLSearchParams(search).get('theme');
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

interface Prepared {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A fixed answer, its bytes and content-length worked out once. */
function prepared(status: number, headers: Record<string, string>, text: string): Prepared {
  const body = Buffer.from(text, 'utf8');
  return { status, headers: { ...headers, 'content-length': String(body.length) }, body };
}

/** Dead-link answers, each built on first use: 5 variants × 2 reasons × 2 kinds of link at most. */
const DEAD = new Map<string, Prepared>();

/**
 * A dead link in the shape that was asked for: 404 for a token that never was, 410 for a
 * withdrawn one, never cached downstream. `shields.json` alone answers 200: shields.io draws an
 * endpoint's own error badge only from a 200 (any other status becomes its generic
 * "resource not found" / "invalid"), and says it is an error through `isError`.
 */
function dead(variant: Variant, reason: DeadReason, what: DeadWhat): Prepared {
  const key = `${variant}:${reason}:${what}`;
  let answer = DEAD.get(key);
  if (!answer) DEAD.set(key, (answer = drawDead(variant, reason, what)));
  return answer;
}

function drawDead(variant: Variant, reason: DeadReason, what: DeadWhat): Prepared {
  const status = reason === 'withdrawn' ? 410 : 404;
  const headers = { ...PRIVATE, 'cache-control': 'no-store' };
  const cors = { 'access-control-allow-origin': '*' };
  switch (variant) {
    case 'json':
      return prepared(status, { ...headers, ...cors, 'content-type': JSON_TYPE }, JSON.stringify(renderDeadJson(reason, what)));
    case 'shields':
      return prepared(200, { ...headers, ...cors, 'content-type': JSON_TYPE }, JSON.stringify(renderDeadShields(reason)));
    case 'svg':
      return prepared(status, { ...headers, 'content-type': 'image/svg+xml; charset=utf-8', 'content-security-policy': SVG_CSP }, renderDeadBadge(reason));
    case 'ics':
      return prepared(status, { ...headers, 'content-type': CALENDAR }, renderDeadIcs(reason, what));
    case 'page':
      return prepared(status, { ...headers, 'content-type': HTML, 'content-security-policy': DEAD_PAGE_CSP }, renderNotFoundPage(reason, what));
  }
}

/** `headers` carry content-length already; HEAD gets them without the body. */
function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
