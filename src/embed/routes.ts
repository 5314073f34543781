import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db/database.js';
import { findByToken } from '../db/goals.js';
import type { Metrics } from '../http/metrics.js';
import { renderBadge } from './badge.js';
import { renderIcs } from './ics.js';
import { renderLanding } from './landing.js';
import { renderNotFoundPage } from './not-found.js';
import { renderPage, type PageTheme } from './page.js';
import { pageCsp, pageScript } from './page-bundle.js';
import { renderShields } from './shields.js';
import { toView, type GoalView } from './view.js';
import { lookupCache } from './lookup-cache.js';
import type { Goal } from '../goals/types.js';

type Variant = 'page' | 'json' | 'svg' | 'ics' | 'shields';

// Tokens are base64url; anything else is not a token and never reaches the database.
const ROUTE = /^\/embed\/([A-Za-z0-9_-]{10,64})(\.json|\.svg|\.ics|\/shields\.json)?\/?$/;

const VARIANTS: Record<string, Variant> = { '': 'page', '.json': 'json', '.svg': 'svg', '.ics': 'ics', '/shields.json': 'shields' };

/** On every embed answer: the token in the URL is a secret, so no referrer and no search index. */
const PRIVATE = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-robots-tag': 'noindex' };

export interface EmbedDeps {
  db: Db;
  publicUrl: string;
  githubUrl: string;
  metrics: Metrics;
  now?: () => Date;
  /**
   * The freshness window (ms): how long a goal looked up by token may be reused (see
   * lookup-cache.ts), and with it the answers drawn from it; 0 = always query, always draw.
   */
  cacheMs?: number;
  /** How often the page re-reads its JSON, in seconds (default 30; tests make it short). */
  pollSeconds?: number;
  /** Finds a goal by token (default: the database; tests: a stand-in). */
  find?: (token: string) => Promise<Goal | undefined>;
}

/**
 * What the embed caches hold at most, so that no scan of tokens or query strings grows memory:
 * goals looked up (found or not), and answers drawn (≤ 7 per token: page × 3 themes, .json,
 * .svg, .ics, shields.json; unknown tokens draw none), counted and weighed in bytes.
 */
export const EMBED_CACHE_LIMITS = { lookups: 10_000, answers: 10_000, answerBytes: 16 * 2 ** 20 };

/** One answer, drawn once and sent as is while its goal is the one the lookup holds. */
interface Answer {
  /** The lookup's object it was drawn from: a new object (a fresh query) means draw again. */
  goal: Goal;
  etag: string;
  headers: Record<string, string>;
  /** The same, without content-length, for a 304. */
  notModified: Record<string, string>;
  body: Buffer;
  /** .json: where in `body` the 24 characters of `now` are, filled in with the clock at each answer. */
  clockAt?: number;
  /** .json: the last copy with the clock filled in (requests in the same millisecond share it). */
  clocked?: { iso: string; body: Buffer };
}

export type EmbedHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) & {
  /** What the caches hold now (tests check that it stays within EMBED_CACHE_LIMITS). */
  cacheSize(): { lookups: number; answers: number; answerBytes: number };
};

/**
 * `/` and `/embed/<token>[.json|.svg|.ics|/shields.json]`: read-only views of one goal.
 *
 * An unchanged goal costs a map lookup and a write: the goal looked up by token is reused for
 * the freshness window (`cacheMs`; GitDone runs with 1 s), and each answer drawn from it
 * (bytes, ETag and headers, per token, variant and theme; other query parameters change
 * nothing, so they are not part of the key) is sent again as long as the lookup returns that
 * same goal object. Once the window has passed, the next request queries again; a new object
 * means the answer is drawn again, so a move, completion or cancellation, and a state stepping
 * from on_track to due_soon to overdue, show within the window. Only `.json`'s `now`, the
 * page's source of the server clock, is filled in fresh at every answer.
 */
export function embedRoutes(deps: EmbedDeps): EmbedHandler {
  const windowMs = deps.cacheMs ?? 0;
  const find = deps.find ?? ((token: string) => findByToken(deps.db, token));
  const lookup = lookupCache(find, windowMs, EMBED_CACHE_LIMITS.lookups);
  // lru-cache again (see lookup-cache.ts): bounded by count and by bytes, least recently used out first.
  const answers =
    windowMs > 0
      ? new LRUCache<string, Answer>({ max: EMBED_CACHE_LIMITS.answers, maxSize: EMBED_CACHE_LIMITS.answerBytes, sizeCalculation: (a) => a.body.length + 512 })
      : undefined;
  const landing = prepared(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=300' }, renderLanding({ publicUrl: deps.publicUrl }));
  const counted = counters(deps.metrics);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const { pathname, search } = splitTarget(req.url ?? '/');
    if (pathname === '/') {
      send(req, res, landing.status, landing.headers, landing.body);
      return true;
    }
    if (!pathname.startsWith('/embed/')) return false;
    const m = ROUTE.exec(pathname);
    const suffix = m?.[2] ?? '';
    const variant: Variant = m ? VARIANTS[suffix]! : guessVariant(pathname);
    // A fresh goal is at hand without waiting; otherwise query (or join the query in flight).
    const goal = m ? (lookup.held(m[1]!) ?? { value: await lookup(m[1]!) }).value : undefined;
    counted(variant, goal ? 'found' : 'not_found').inc();
    if (!goal) {
      const missing = variant === 'json' || variant === 'shields' ? NOT_FOUND_JSON : NOT_FOUND_HTML;
      send(req, res, 404, missing.headers, missing.body);
      return true;
    }
    const theme = variant === 'page' ? pageTheme(search) : undefined;
    const key = theme ? `${goal.token}?${theme}` : `${goal.token}${suffix}`;
    let answer = answers?.get(key);
    if (answer?.goal !== goal) {
      answer = draw(goal, variant, theme, deps);
      answers?.set(key, answer);
    }
    if (matches(req.headers['if-none-match'], answer.etag)) {
      res.writeHead(304, answer.notModified);
      res.end();
      return true;
    }
    send(req, res, 200, answer.headers, answer.clockAt === undefined ? answer.body : withClock(answer, deps.now?.() ?? new Date()));
    return true;
  };
  return Object.assign(handle, {
    cacheSize: () => ({ lookups: lookup.size, answers: answers?.size ?? 0, answerBytes: answers?.calculatedSize ?? 0 }),
  });
}

/** The answer for one goal, variant and theme, drawn now: body, ETag, headers. */
function draw(goal: Goal, variant: Variant, theme: PageTheme | undefined, deps: EmbedDeps): Answer {
  const view = toView(goal, deps.now?.() ?? new Date(), deps.githubUrl);
  const pageUrl = `${deps.publicUrl}/embed/${goal.token}`;
  const render = (v: GoalView) => renderVariant(v, variant, theme ?? 'auto', pageUrl, goal.token, deps.pollSeconds);
  const fresh = render(view);
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
  const etag =
    variant === 'svg' || variant === 'shields'
      ? strongTag(fresh.body)
      : strongTag(JSON.stringify([goal.version, variant, view.state, theme ?? null, view.repo, view.tracked, view.status]) + '\n' + render({ ...view, now: FIXED_NOW }).body);
  const headers: Record<string, string> = {
    ...PRIVATE,
    'content-type': fresh.type,
    etag,
    // Revalidate every time (GitHub's image proxy included): a 304 is cheap, a stale countdown is wrong.
    'cache-control': 'no-cache',
  };
  if (variant === 'page') headers['content-security-policy'] = pageCsp(); // frame-ancestors *, and no X-Frame-Options
  if (variant === 'svg') headers['content-security-policy'] = "default-src 'none'; style-src 'unsafe-inline'";
  if (variant === 'json' || variant === 'shields') headers['access-control-allow-origin'] = '*';
  if (variant === 'ics') headers['content-disposition'] = `inline; filename="deadline-${goal.keyword.replace(/[^A-Za-z0-9_.-]/g, '_')}.ics"`;
  const body = Buffer.from(fresh.body, 'utf8');
  return { goal, etag, notModified: headers, headers: { ...headers, 'content-length': String(body.length) }, body, clockAt: variant === 'json' ? clockOffset(body, view.now) : undefined };
}

/** Where `.json`'s `"now":"…"` value starts (the last key but `tracked`), if it can be rewritten in place. */
function clockOffset(body: Buffer, now: string): number | undefined {
  const at = body.lastIndexOf('"now":"') + '"now":"'.length;
  return now.length === 24 && at > 7 && body.toString('latin1', at, at + 24) === now ? at : undefined;
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
  body.write(iso, answer.clockAt!, 'latin1');
  answer.clocked = { iso, body };
  return body;
}

/** One labelled child per variant and status, looked up once rather than per request. */
function counters(metrics: Metrics) {
  const children = new Map<string, ReturnType<Metrics['embedRequests']['labels']>>();
  return (variant: Variant, status: 'found' | 'not_found') => {
    const key = `${variant}:${status}`;
    let child = children.get(key);
    if (!child) children.set(key, (child = metrics.embedRequests.labels({ variant, status })));
    return child;
  };
}

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
 * The path and query of a request target. An embed path as links write it needs no URL parser:
 * ROUTE admits nothing a parser would change (no dot segments, backslashes or escapes), so it is
 * split as is; anything else goes through WHATWG URL, which resolves `..` and the rest.
 */
function splitTarget(target: string): { pathname: string; search: string } {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  if (ROUTE.test(path) && !target.includes('#')) return { pathname: path, search: q < 0 ? '' : target.slice(q) };
  const url = new URL(target, 'http://x');
  return { pathname: url.pathname, search: url.search };
}

/** `?theme=light|dark`; anything else (absent, `auto`, a typo) is `auto`, with the same ETag. */
function pageTheme(search: string): PageTheme {
  if (!search) return 'auto';
  const t = new URLSearchParams(search).get('theme');
  return t === 'light' || t === 'dark' ? t : 'auto';
}

function renderVariant(view: GoalView, variant: Variant, theme: PageTheme, pageUrl: string, token: string, pollSeconds?: number): Rendered {
  switch (variant) {
    case 'page':
      return { body: renderPage(view, { theme, embedUrl: pageUrl, pollSeconds, script: pageScript() }), type: 'text/html; charset=utf-8' };
    case 'json':
      return { body: JSON.stringify(view), type: 'application/json; charset=utf-8' };
    case 'svg':
      return { body: renderBadge(view), type: 'image/svg+xml; charset=utf-8' };
    case 'shields':
      return { body: JSON.stringify(renderShields(view)), type: 'application/json; charset=utf-8' };
    case 'ics':
      return { body: renderIcs(view, { uid: `${token}@gitdone`, url: pageUrl }), type: 'text/calendar; charset=utf-8' };
  }
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

const NOT_FOUND_JSON = prepared(
  404,
  { ...PRIVATE, 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' },
  JSON.stringify({ error: 'not_found', message: 'No goal has this embed token.' }),
);
const NOT_FOUND_HTML = prepared(
  404,
  { ...PRIVATE, 'cache-control': 'no-store', 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *" },
  renderNotFoundPage(),
);

/** `headers` carry content-length already; HEAD gets them without the body. */
function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
