import nock from 'nock';

/** nock helpers for the GitHub REST calls GitDone makes. */
export const API = 'https://api.github.com';

export interface Posted {
  issueNumber: number;
  body: string;
  /** Who wrote it: the app itself unless a login is given (a user, or someone forging a marker). */
  by?: string;
  /** `owner/repo` it was posted in (recorded for every comment the app posts). */
  repo?: string;
}

/** The test app (id 1, slug `gitdone`), as GitHub describes the author of a comment it wrote. */
function author(c: Posted) {
  return c.by === undefined
    ? { user: { login: 'gitdone[bot]', type: 'Bot' }, performed_via_github_app: { id: 1, slug: 'gitdone' } }
    : { user: { login: c.by, type: c.by.endsWith('[bot]') ? 'Bot' : 'User' }, performed_via_github_app: null };
}

/**
 * `config` is `.github/gitdone.yml` of the repository the event is about; `configs` gives
 * it per `owner/repo` (for the organisation `.github` repository and `_extends`).
 */
export function mockGitHub(
  opts: {
    role?: string | Record<string, string>;
    config?: string | null;
    configs?: Record<string, string>;
    /** Answer every config read with this status instead (403: the app may not read contents). */
    configStatus?: number;
    installationId?: number;
  } = {},
) {
  const scope = nock(API).persist();
  const comments: Posted[] = [];
  const reactions: Array<{ commentId?: number; issueNumber?: number; content: string }> = [];
  scope.post(`/app/installations/${opts.installationId ?? 77}/access_tokens`).reply(201, { token: 'test-token', expires_at: '2099-01-01T00:00:00Z', permissions: {} });
  scope.get(/\/repos\/[^/]+\/[^/]+\/collaborators\/([^/]+)\/permission/).reply((uri) => {
    const user = decodeURIComponent(/collaborators\/([^/]+)\/permission/.exec(uri)![1]!);
    const role = typeof opts.role === 'object' ? opts.role[user] ?? 'none' : opts.role ?? 'write';
    if (role === '404') return [404, { message: 'Not Found' }];
    const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
    return [200, { permission, role_name: role, user: { login: user } }];
  });
  scope.get(/\/repos\/[^/]+\/[^/]+\/contents\/\.github%2Fgitdone\.yml/).reply((uri) => {
    if (opts.configStatus) return [opts.configStatus, { message: 'Resource not accessible by integration' }];
    const repo = /\/repos\/([^/]+\/[^/]+)\/contents/.exec(uri)![1]!;
    const text = opts.configs ? opts.configs[repo] : repo === 'octo/app' ? opts.config : undefined;
    return text ? [200, text, { 'content-type': 'application/vnd.github.raw; charset=utf-8' }] : [404, { message: 'Not Found' }];
  });
  scope.post(/\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments/).reply((uri, body) => {
    const issueNumber = Number(/issues\/(\d+)\/comments/.exec(uri)![1]);
    const repo = /\/repos\/([^/]+\/[^/]+)\/issues/.exec(uri)![1]!;
    comments.push({ issueNumber, body: (body as { body: string }).body, repo });
    return [201, { id: 100000 + comments.length, body: (body as { body: string }).body, ...author(comments.at(-1)!) }];
  });
  scope.get(/\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments/).reply(() => [200, comments.map((c, i) => ({ id: 100001 + i, body: c.body, ...author(c) }))]);
  scope.get('/app').reply(200, { id: 1, slug: 'gitdone' });
  scope.post(/\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)\/reactions/).reply((uri, body) => {
    reactions.push({ commentId: Number(/comments\/(\d+)\/reactions/.exec(uri)![1]), content: (body as { content: string }).content });
    return [201, { id: 1, content: (body as { content: string }).content }];
  });
  scope.post(/\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/reactions/).reply((uri, body) => {
    reactions.push({ issueNumber: Number(/issues\/(\d+)\/reactions/.exec(uri)![1]), content: (body as { content: string }).content });
    return [201, { id: 1, content: (body as { content: string }).content }];
  });
  return { scope, comments, reactions };
}
