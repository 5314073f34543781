import { randomBytes } from 'node:crypto';
import type { Deliver, Delivery } from './deliver.js';
import type { FakeGitHub } from './fake-github.js';
import type { ActorInput, CommentInput, PushInput, Role } from './input.js';
import { issueClosed, issueCommentCreated, issueReopened, pushed, type Issue, type Repository, type Site, type Webhook } from './payloads.js';

/** The playground's one repository and issue. The database is emptied at every start, so fixed ids are safe. */
export const REPOSITORY: Repository = { id: 1, owner: 'you', name: 'playground', defaultBranch: 'main' };

const OPENING_POST = [
  'This issue lives in the playground: GitDone runs for real on this machine, and a stand-in for GitHub plays the part of github.com.',
  '',
  'Type a command below as a user with a role, for example',
  '',
  '```',
  '/deadline tomorrow 5pm Try GitDone keyword=try-it',
  '```',
  '',
  'then push a commit whose message says `try-it` to `main`, or close this issue as completed.',
].join('\n');

/** Something that happened on the issue that is not a comment. */
export interface TimelineEvent {
  kind: 'push' | 'closed' | 'reopened';
  author: string;
  at: string;
  branch?: string;
  sha?: string;
  message?: string;
}

/** The answer to an action: the delivery it made, or why it was refused before any. */
export type Outcome = { delivery: Delivery } | { problem: string };

/**
 * The demo issue and everything done to it. Comments are kept by the stand-in GitHub (GitDone
 * lists them there when it looks for its markers); pushes, closing and reopening are kept
 * here for the timeline. Every action is stored first, as GitHub does, then delivered as
 * the webhook GitHub would send.
 */
export class Playground {
  readonly repo = REPOSITORY;
  readonly issue: Issue = {
    number: 1,
    title: 'Try GitDone',
    body: OPENING_POST,
    author: REPOSITORY.owner,
    state: 'open',
    stateReason: null,
    createdAt: new Date().toISOString(),
    closedAt: null,
  };
  readonly events: TimelineEvent[] = [];
  /** The last deliveries, newest first. */
  readonly deliveries: Delivery[] = [];
  /** The role each comment's author had when they wrote it, for the page. */
  readonly roleAt = new Map<number, Role>();
  private readonly heads = new Map<string, string>();
  private changes = 0;

  constructor(
    readonly github: FakeGitHub,
    private readonly site: Site,
    private readonly deliver: Deliver,
  ) {}

  /** Goes up whenever anything on the issue changes, GitDone's comments and reactions included. */
  get version(): number {
    return this.github.version + this.changes;
  }

  async comment(c: CommentInput): Promise<Outcome> {
    // The collaborator-permission API answers with this role when GitDone asks about the author.
    this.github.roles[c.author] = c.role;
    const stored = this.github.addComment({ owner: this.repo.owner, repo: this.repo.name, issueNumber: this.issue.number, body: c.body, author: c.author });
    this.roleAt.set(stored.id, c.role);
    return this.send(issueCommentCreated(this.site, this.repo, this.issue, { id: stored.id, body: stored.body, author: c.author, createdAt: stored.created_at }));
  }

  async push(p: PushInput): Promise<Outcome> {
    const before = this.heads.get(p.branch) ?? sha();
    const after = sha();
    this.heads.set(p.branch, after);
    const at = new Date().toISOString();
    this.record({ kind: 'push', author: p.author, at, branch: p.branch, sha: after, message: p.message });
    return this.send(pushed(this.site, this.repo, { branch: p.branch, before, after, message: p.message, author: p.author, at }));
  }

  async close(a: ActorInput): Promise<Outcome> {
    if (this.issue.state === 'closed') return { problem: 'The issue is closed already.' };
    const at = new Date().toISOString();
    Object.assign(this.issue, { state: 'closed', stateReason: 'completed', closedAt: at });
    this.record({ kind: 'closed', author: a.author, at });
    return this.send(issueClosed(this.site, this.repo, this.issue, a.author));
  }

  async reopen(a: ActorInput): Promise<Outcome> {
    if (this.issue.state === 'open') return { problem: 'The issue is open already.' };
    Object.assign(this.issue, { state: 'open', stateReason: 'reopened', closedAt: null });
    this.record({ kind: 'reopened', author: a.author, at: new Date().toISOString() });
    return this.send(issueReopened(this.site, this.repo, this.issue, a.author));
  }

  private record(e: TimelineEvent): void {
    this.events.push(e);
    this.changes++;
  }

  private async send(webhook: Webhook): Promise<Outcome> {
    const delivery = await this.deliver(webhook);
    this.deliveries.unshift(delivery);
    this.deliveries.length = Math.min(this.deliveries.length, 20);
    this.changes++;
    return { delivery };
  }
}

function sha(): string {
  return randomBytes(20).toString('hex');
}
