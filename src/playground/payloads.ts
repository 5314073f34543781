/**
 * The webhooks GitHub would send for what happens on the playground's issue, shaped like
 * GitHub's own (see @octokit/webhooks-examples), with the fields GitDone reads and the
 * ones a reader of the payload would expect beside them. Pure: the caller brings ids,
 * times and SHAs.
 */

export interface Repository {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
}

export interface Issue {
  number: number;
  title: string;
  body: string;
  author: string;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  createdAt: string;
  closedAt: string | null;
}

export interface Site {
  /** Base of github.com-style links: the stand-in's address. */
  webUrl: string;
  /** Base of API links. */
  apiUrl: string;
  installationId: number;
}

/** What a webhook delivery carries: the event (X-GitHub-Event) and its payload. */
export interface Webhook {
  event: string;
  payload: Record<string, unknown>;
}

export function issueCommentCreated(
  site: Site,
  repo: Repository,
  issue: Issue,
  comment: { id: number; body: string; author: string; createdAt: string },
): Webhook {
  return {
    event: 'issue_comment',
    payload: {
      action: 'created',
      issue: issueJson(site, repo, issue),
      comment: {
        id: comment.id,
        node_id: `IC_${comment.id}`,
        url: `${repoApi(site, repo)}/issues/comments/${comment.id}`,
        html_url: `${issueUrl(site, repo, issue)}#issuecomment-${comment.id}`,
        issue_url: `${repoApi(site, repo)}/issues/${issue.number}`,
        body: comment.body,
        user: user(site, comment.author),
        author_association: 'COLLABORATOR',
        created_at: comment.createdAt,
        updated_at: comment.createdAt,
        performed_via_github_app: null,
      },
      ...common(site, repo, comment.author),
    },
  };
}

export function issueClosed(site: Site, repo: Repository, issue: Issue, by: string): Webhook {
  return { event: 'issues', payload: { action: 'closed', issue: issueJson(site, repo, issue), ...common(site, repo, by) } };
}

export function issueReopened(site: Site, repo: Repository, issue: Issue, by: string): Webhook {
  return { event: 'issues', payload: { action: 'reopened', issue: issueJson(site, repo, issue), ...common(site, repo, by) } };
}

export function pushed(
  site: Site,
  repo: Repository,
  p: { branch: string; before: string; after: string; message: string; author: string; at: string },
): Webhook {
  const commit = {
    id: p.after,
    tree_id: p.after.split('').reverse().join(''),
    distinct: true,
    message: p.message,
    timestamp: p.at,
    url: `${repoUrl(site, repo)}/commit/${p.after}`,
    author: { name: p.author, email: `${p.author}@users.noreply.example`, username: p.author },
    committer: { name: p.author, email: `${p.author}@users.noreply.example`, username: p.author },
    added: [],
    removed: [],
    modified: ['README.md'],
  };
  return {
    event: 'push',
    payload: {
      ref: `refs/heads/${p.branch}`,
      before: p.before,
      after: p.after,
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `${repoUrl(site, repo)}/compare/${p.before.slice(0, 12)}...${p.after.slice(0, 12)}`,
      commits: [commit],
      head_commit: commit,
      pusher: { name: p.author, email: `${p.author}@users.noreply.example` },
      ...common(site, repo, p.author),
    },
  };
}

function common(site: Site, repo: Repository, sender: string) {
  return {
    repository: {
      id: repo.id,
      node_id: `R_${repo.id}`,
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      private: false,
      owner: user(site, repo.owner),
      html_url: repoUrl(site, repo),
      url: repoApi(site, repo),
      default_branch: repo.defaultBranch,
    },
    sender: user(site, sender),
    installation: { id: site.installationId, node_id: `I_${site.installationId}` },
  };
}

function issueJson(site: Site, repo: Repository, issue: Issue) {
  return {
    url: `${repoApi(site, repo)}/issues/${issue.number}`,
    html_url: issueUrl(site, repo, issue),
    number: issue.number,
    title: issue.title,
    body: issue.body,
    user: user(site, issue.author),
    labels: [],
    state: issue.state,
    state_reason: issue.stateReason,
    locked: false,
    comments: 0,
    created_at: issue.createdAt,
    updated_at: issue.createdAt,
    closed_at: issue.closedAt,
    author_association: 'OWNER',
  };
}

/** Logins are letters, digits and hyphens (input.ts checks), so they need no escaping in a URL. */
function user(site: Site, login: string) {
  return { login, id: idOf(login), node_id: `U_${idOf(login)}`, type: 'User', html_url: `${site.webUrl}/${login}` };
}

/** A stable made-up numeric id for a login (GitHub's are numeric). */
function idOf(login: string): number {
  let h = 7;
  for (const ch of login.toLowerCase()) h = (h * 31 + ch.charCodeAt(0)) % 1_000_000_007;
  return 1000 + h;
}

const repoUrl = (site: Site, repo: Repository) => `${site.webUrl}/${repo.owner}/${repo.name}`;
const repoApi = (site: Site, repo: Repository) => `${site.apiUrl}/repos/${repo.owner}/${repo.name}`;
const issueUrl = (site: Site, repo: Repository, issue: Issue) => `${repoUrl(site, repo)}/issues/${issue.number}`;
