import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
  /** How long a goal looked up by token may be reused (see lookup-cache.ts); 0 = always query. */
  cacheMs?: number;
  /** How often the page re-reads its JSON, in seconds (default 30; tests make it short). */
  pollSeconds?: number;
}

/** `/` and `/embed/<token>[.json|.svg|.ics|/shields.json]`: read-only views of one goal. */
export function embedRoutes(deps: EmbedDeps) {
  const lookup = lookupCache((token) => findByToken(deps.db, token), deps.cacheMs ?? 0);
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      send(req, res, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=300' }, renderLanding({ publicUrl: deps.publicUrl }));
      return true;
    }
    if (!url.pathname.startsWith('/embed/')) return false;
    const m = ROUTE.exec(url.pathname);
    const variant: Variant = m ? VARIANTS[m[2] ?? '']! : guessVariant(url.pathname);
    const goal = m ? await lookup(m[1]!) : undefined;
    deps.metrics.embedRequests.inc({ variant, status: goal ? 'found' : 'not_found' });
    if (!goal) {
      notFound(req, res, variant);
      return true;
    }
    const view = toView(goal, deps.now?.() ?? new Date(), deps.githubUrl);
    const pageUrl = `${deps.publicUrl}/embed/${goal.token}`;
    const theme = variant === 'page' ? pageTheme(url) : undefined;
    const draw = (v: GoalView) => render(v, variant, theme ?? 'auto', pageUrl, goal.token, deps.pollSeconds);
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
    let fresh: Rendered | undefined;
    let etag: string;
    let type: string;
    if (variant === 'svg' || variant === 'shields') {
      fresh = draw(view);
      ({ type } = fresh);
      etag = strongTag(fresh.body);
    } else {
      const still = draw({ ...view, now: FIXED_NOW });
      ({ type } = still);
      etag = strongTag(
        JSON.stringify([goal.version, variant, view.state, theme ?? null, view.repo, view.tracked, view.status]) + '\n' + still.body,
      );
    }
    const headers: Record<string, string> = {
      ...PRIVATE,
      'content-type': type,
      etag,
      // Revalidate every time (GitHub's image proxy included): a 304 is cheap, a stale countdown is wrong.
      'cache-control': 'no-cache',
    };
    if (variant === 'page') headers['content-security-policy'] = pageCsp(); // frame-ancestors *, and no X-Frame-Options
    if (variant === 'svg') headers['content-security-policy'] = "default-src 'none'; style-src 'unsafe-inline'";
    if (variant === 'json' || variant === 'shields') headers['access-control-allow-origin'] = '*';
    if (variant === 'ics') headers['content-disposition'] = `inline; filename="deadline-${goal.keyword.replace(/[^A-Za-z0-9_.-]/g, '_')}.ics"`;
    if (matches(req.headers['if-none-match'], etag)) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    send(req, res, 200, headers, (fresh ?? draw(view)).body);
    return true;
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

/** `?theme=light|dark`; anything else (absent, `auto`, a typo) is `auto`, with the same ETag. */
function pageTheme(url: URL): PageTheme {
  const t = url.searchParams.get('theme');
  return t === 'light' || t === 'dark' ? t : 'auto';
}

function render(view: GoalView, variant: Variant, theme: PageTheme, pageUrl: string, token: string, pollSeconds?: number): Rendered {
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

function notFound(req: IncomingMessage, res: ServerResponse, variant: Variant): void {
  const headers = { ...PRIVATE, 'cache-control': 'no-store' };
  if (variant === 'json' || variant === 'shields') {
    send(req, res, 404, { ...headers, 'content-type': 'application/json; charset=utf-8', 'access-control-allow-origin': '*' }, JSON.stringify({ error: 'not_found', message: 'No goal has this embed token.' }));
  } else {
    send(req, res, 404, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *" }, renderNotFoundPage());
  }
}

function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
