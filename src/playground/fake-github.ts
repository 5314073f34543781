import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for the GitHub REST API, as much of it as GitDone calls, served over real
 * HTTP so that GitDone uses its real Octokit (retries, throttling, auth, paging). Probot
 * talks to `http://<GHE_HOST>/api/v3` when GHE_HOST and GHE_PROTOCOL=http are set
 * (probot/lib/bin/read-env-options.js), so every route lives under `/api/v3`.
 *
 * Two users: the playground (`npm run playground`, see main.ts), where it is the GitHub of
 * the demo issue, and the end-to-end tests, which read and switch its state (outages,
 * delays, roles). Only the playground's entry loads it, never the production server.
 *
 * State is plain in-memory data.
 */

export const API_PREFIX = '/api/v3';

export interface RecordedRequest {
  method: string;
  /** The path without `/api/v3` and without the query. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Date.now() when the request arrived. */
  at: number;
  status: number;
}

export interface FakeComment {
  id: number;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  created_at: string;
  updated_at: string;
  /** Who wrote it; unset: the app, through its installation token (what GitDone posts). */
  author?: string;
}

export interface FakeReaction {
  owner: string;
  repo: string;
  commentId?: number;
  issueNumber?: number;
  content: string;
}

export interface CompareCommit {
  sha: string;
  message: string;
  authorName?: string;
  login?: string | null;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string>; raw?: string };

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly comments: FakeComment[] = [];
  readonly reactions: FakeReaction[] = [];
  /** Collaborator role per login (`none` → 404 like GitHub for non-collaborators); others get `defaultRole`. */
  readonly roles: Record<string, string> = {};
  defaultRole = 'write';
  /** Raw file contents by `owner/repo:path`; anything else is 404. */
  readonly files = new Map<string, string>();
  /** Commits served by the compare API, by `owner/repo:base...head`. */
  readonly compares = new Map<string, CompareCommit[]>();
  /** While true every request is answered with `failStatus` (an outage). */
  down = false;
  failStatus = 502;
  /** Extra delay before answering, in ms (to keep requests in flight). */
  delayMs = 0;
  /** The app whose installation token writes comments: GitDone tells its own comments by this id. */
  appId = 1;
  /** How many requests `requests` keeps (the oldest go first): a long-running playground stays small. */
  maxRequests = Infinity;
  /** Where a browser asking for a github.com-style page (an issue link in a reply) is sent; unset: 404. */
  webUrl: string | undefined;
  /** Goes up with every comment and reaction, so that a reader can tell when to look again. */
  version = 0;

  private failBudget = 0;
  private nextCommentId = 500_000;
  private server: Server | undefined;
  port = 0;

  /** `127.0.0.1:<port>`: what GHE_HOST must be. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }
  get baseUrl(): string {
    return `http://${this.host}${API_PREFIX}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', resolve);
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Answers `status` (502 by default) to the next `n` requests, whatever they are. */
  failNext(n: number, status = 502): void {
    this.failBudget = n;
    this.failStatus = status;
  }

  /** A comment by a person (what a user types on the issue), as GitHub would store it. */
  addComment(c: { owner: string; repo: string; issueNumber: number; body: string; author: string }): FakeComment {
    const now = new Date().toISOString();
    const comment: FakeComment = { id: ++this.nextCommentId, ...c, created_at: now, updated_at: now };
    this.comments.push(comment);
    this.version++;
    return comment;
  }

  /** Comments carrying the hidden reply marker of a delivery. */
  repliesTo(deliveryId: string): FakeComment[] {
    return this.comments.filter((c) => c.body.includes(`<!-- gitdone:reply:${deliveryId} `));
  }

  /** Requests that reached no route of this fake (GitDone calling something we do not know). */
  unknownRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.status === 404 && !/\/contents\/|\/collaborators\//.test(r.path));
  }

  /** A short, readable account of the traffic, for failure messages. */
  summary(last = 40): string {
    const counts = new Map<string, number>();
    for (const r of this.requests) {
      const k = `${r.method} ${r.path.replace(/\/\d+(?=\/|$)/g, '/:n')} → ${r.status}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const lines = [...counts].map(([k, n]) => `  ${n} × ${k}`);
    const tail = this.requests.slice(-last).map((r) => `  ${new Date(r.at).toISOString()} ${r.method} ${r.path} → ${r.status}`);
    return `fake GitHub: ${this.requests.length} requests, ${this.comments.length} comments, down=${this.down}\n${lines.join('\n')}\nlast ${tail.length}:\n${tail.join('\n')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const rec: RecordedRequest = { method, path, query, body, at: Date.now(), status: 0 };
    this.requests.push(rec);
    if (this.requests.length > this.maxRequests) this.requests.splice(0, this.requests.length - this.maxRequests);

    let reply: Reply;
    if (this.down || this.failBudget > 0) {
      if (this.failBudget > 0) this.failBudget--;
      reply = { status: this.failStatus, body: { message: 'Server Error (fake outage)' } };
    } else if (!url.pathname.startsWith(`${API_PREFIX}/`) && this.webUrl && method === 'GET') {
      reply = { status: 302, headers: { location: this.webUrl }, body: { message: 'This is a stand-in for GitHub: its pages are the playground.' } };
    } else if (!url.pathname.startsWith(`${API_PREFIX}/`)) {
      reply = { status: 404, body: { message: `Not Found: ${url.pathname} is outside ${API_PREFIX}` } };
    } else {
      reply = this.route(method, path, url, body);
    }
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    rec.status = reply.status;
    const headers: Record<string, string> = { 'x-github-request-id': `FAKE:${this.requests.length}`, ...reply.headers };
    if (reply.raw !== undefined) {
      res.writeHead(reply.status, { 'content-type': 'application/vnd.github.raw; charset=utf-8', ...headers });
      res.end(reply.raw);
    } else if (reply.status === 204) {
      res.writeHead(204, headers);
      res.end();
    } else {
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(reply.body ?? {}));
    }
  }

  private route(method: string, path: string, url: URL, body: unknown): Reply {
    const seg = path.split('/').slice(1).map((s) => decodeURIComponent(s));
    const notFound: Reply = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };

    // POST /app/installations/:id/access_tokens
    if (method === 'POST' && seg.length === 4 && seg[0] === 'app' && seg[1] === 'installations' && seg[3] === 'access_tokens') {
      return {
        status: 201,
        body: {
          token: `ghs_fake_${seg[2]}`,
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
          permissions: { issues: 'write', contents: 'read', metadata: 'read', pull_requests: 'write' },
          repository_selection: 'all',
        },
      };
    }
    // GET /app: the app's slug, which GitDone asks for only about comments that do not name their app.
    if (method === 'GET' && seg.length === 1 && seg[0] === 'app') return { status: 200, body: { id: this.appId, slug: 'gitdone', name: 'GitDone' } };
    if (seg[0] !== 'repos' || seg.length < 4) return notFound;
    const owner = seg[1]!;
    const repo = seg[2]!;
    const rest = seg.slice(3);

    // GET /repos/:o/:r/collaborators/:u/permission
    if (method === 'GET' && rest.length === 3 && rest[0] === 'collaborators' && rest[2] === 'permission') {
      const user = rest[1]!;
      const role = this.roles[user] ?? this.defaultRole;
      if (role === 'none') return { status: 404, body: { message: `${user} is not a user` } };
      const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
      return { status: 200, body: { permission, role_name: role, user: { login: user, type: 'User' } } };
    }

    // GET /repos/:o/:r/contents/:path  (the path arrives URL-encoded: `.github%2Fgitdone.yml`)
    if (method === 'GET' && rest[0] === 'contents' && rest.length >= 2) {
      const file = this.files.get(`${owner}/${repo}:${rest.slice(1).join('/')}`);
      return file === undefined ? notFound : { status: 200, raw: file };
    }

    // POST|GET /repos/:o/:r/issues/:n/comments
    if (rest.length === 3 && rest[0] === 'issues' && /^\d+$/.test(rest[1]!) && rest[2] === 'comments') {
      const issueNumber = Number(rest[1]);
      if (method === 'POST') {
        const text = (body as { body?: unknown } | undefined)?.body;
        if (typeof text !== 'string' || text === '') return { status: 422, body: { message: 'Validation Failed: body' } };
        const now = new Date().toISOString();
        const c: FakeComment = { id: ++this.nextCommentId, owner, repo, issueNumber, body: text, created_at: now, updated_at: now };
        this.comments.push(c);
        this.version++;
        return { status: 201, body: this.commentJson(c) };
      }
      if (method === 'GET') return this.listComments(owner, repo, issueNumber, url);
    }

    // POST /repos/:o/:r/issues/comments/:id/reactions
    if (method === 'POST' && rest.length === 4 && rest[0] === 'issues' && rest[1] === 'comments' && rest[3] === 'reactions') {
      return this.react({ owner, repo, commentId: Number(rest[2]), content: String((body as { content?: unknown })?.content) });
    }
    // POST /repos/:o/:r/issues/:n/reactions
    if (method === 'POST' && rest.length === 3 && rest[0] === 'issues' && /^\d+$/.test(rest[1]!) && rest[2] === 'reactions') {
      return this.react({ owner, repo, issueNumber: Number(rest[1]), content: String((body as { content?: unknown })?.content) });
    }

    // GET /repos/:o/:r/compare/:basehead
    if (method === 'GET' && rest.length >= 2 && rest[0] === 'compare') {
      const basehead = rest.slice(1).join('/');
      const all = this.compares.get(`${owner}/${repo}:${basehead}`);
      if (!all) return notFound;
      const { page, perPage } = paging(url, 250);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      return {
        status: 200,
        headers: linkHeader(url, page, perPage, all.length),
        body: {
          status: 'ahead',
          ahead_by: all.length,
          behind_by: 0,
          total_commits: all.length,
          commits: slice.map((c) => ({
            sha: c.sha,
            commit: { message: c.message, author: { name: c.authorName ?? 'Someone', email: 'someone@example.com', date: '2030-01-10T12:00:00Z' } },
            author: c.login === null ? null : { login: c.login ?? 'someone', type: 'User' },
          })),
          files: [],
        },
      };
    }
    return notFound;
  }

  private listComments(owner: string, repo: string, issueNumber: number, url: URL): Reply {
    const since = url.searchParams.get('since');
    const sinceMs = since ? Date.parse(since) : undefined;
    if (since && Number.isNaN(sinceMs)) return { status: 422, body: { message: 'Invalid since' } };
    const all = this.comments.filter(
      (c) => c.owner === owner && c.repo === repo && c.issueNumber === issueNumber && (sinceMs === undefined || Date.parse(c.updated_at) >= sinceMs),
    );
    const { page, perPage } = paging(url, 30);
    return {
      status: 200,
      headers: linkHeader(url, page, perPage, all.length),
      body: all.slice((page - 1) * perPage, page * perPage).map((c) => this.commentJson(c)),
    };
  }

  private react(r: FakeReaction): Reply {
    const existing = this.reactions.find(
      (x) => x.owner === r.owner && x.repo === r.repo && x.commentId === r.commentId && x.issueNumber === r.issueNumber && x.content === r.content,
    );
    this.reactions.push(r);
    this.version++;
    // GitHub answers 200 with the existing reaction when the same one is added again.
    return { status: existing ? 200 : 201, body: { id: this.reactions.length, content: r.content, user: { login: 'gitdone[bot]', type: 'Bot' } } };
  }

  private commentJson(c: FakeComment) {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      body: c.body,
      // Written through the app's installation token, as GitHub reports it; or by a person.
      ...(c.author === undefined
        ? { user: { login: 'gitdone[bot]', type: 'Bot' }, performed_via_github_app: { id: this.appId, slug: 'gitdone' } }
        : { user: { login: c.author, type: 'User' }, performed_via_github_app: null }),
      created_at: c.created_at,
      updated_at: c.updated_at,
      html_url: `http://${this.host}/${c.owner}/${c.repo}/issues/${c.issueNumber}#issuecomment-${c.id}`,
      issue_url: `${this.baseUrl}/repos/${c.owner}/${c.repo}/issues/${c.issueNumber}`,
    };
  }
}

function paging(url: URL, maxPerPage: number): { page: number; perPage: number } {
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const perPage = Math.min(maxPerPage, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
  return { page, perPage };
}

/** GitHub's Link header (absolute URLs), which Octokit's paginate follows through rel="next". */
function linkHeader(url: URL, page: number, perPage: number, total: number): Record<string, string> {
  const last = Math.max(1, Math.ceil(total / perPage));
  if (last === 1) return {};
  const at = (p: number) => {
    const u = new URL(url.toString());
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    return `<${u.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${at(page - 1)}; rel="prev"`, `${at(1)}; rel="first"`);
  if (page < last) links.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  return links.length ? { link: links.join(', ') } : {};
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  return new FakeGitHub().start();
}
