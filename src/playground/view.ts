import type { Delivery } from './deliver.js';
import type { FakeComment, FakeReaction } from './fake-github.js';
import type { Playground } from './issue.js';
import { renderMarkdown } from './markdown.js';

export interface Reactions {
  /** GitHub's reaction names: `+1`, `confused`, `rocket`, … */
  [content: string]: number;
}

export interface CommentItem {
  kind: 'comment';
  id: number;
  author: string;
  /** Written by an App (GitDone): shown with a "bot" label, as GitHub does. */
  bot: boolean;
  role: string | null;
  at: string;
  html: string;
  reactions: Reactions;
}

export interface EventItem {
  kind: 'push' | 'closed' | 'reopened';
  author: string;
  at: string;
  branch?: string;
  sha?: string;
  message?: string;
}

/** What the page polls: the thread as it stands. */
export interface PlaygroundState {
  version: number;
  repo: string;
  issue: { number: number; title: string; state: string; stateReason: string | null; author: string; at: string; html: string; reactions: Reactions };
  items: Array<CommentItem | EventItem>;
  /** `/embed/<token>` of the goal GitDone wrote about last, or null before any. */
  embed: string | null;
  deliveries: Delivery[];
}

/**
 * The thread the way GitHub would show it: the opening post, then comments and events in
 * the order they happened, comments rendered from Markdown (once each: comments are never
 * edited here), with their reactions; and the embed link GitDone's latest word carried.
 */
export function stateView(p: Playground, publicUrl: string, cache: Map<number, string>): PlaygroundState {
  const { owner, name } = p.repo;
  const comments = p.github.comments.filter((c) => c.owner === owner && c.repo === name && c.issueNumber === p.issue.number);
  const reactions = p.github.reactions.filter((r) => r.owner === owner && r.repo === name);
  const items: Array<CommentItem | EventItem> = [
    ...comments.map((c): CommentItem => ({
      kind: 'comment',
      id: c.id,
      author: c.author ?? 'gitdone',
      bot: c.author === undefined,
      role: p.roleAt.get(c.id) ?? null,
      at: c.created_at,
      html: rendered(c, cache),
      reactions: count(reactions.filter((r) => r.commentId === c.id)),
    })),
    ...p.events.map((e): EventItem => ({ ...e })),
  ];
  // Stable: a comment and an event in the same millisecond keep comments first.
  items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    version: p.version,
    repo: `${owner}/${name}`,
    issue: {
      number: p.issue.number,
      title: p.issue.title,
      state: p.issue.state,
      stateReason: p.issue.stateReason,
      author: p.issue.author,
      at: p.issue.createdAt,
      html: renderMarkdown(p.issue.body),
      reactions: count(reactions.filter((r) => r.commentId === undefined && r.issueNumber === p.issue.number)),
    },
    items,
    embed: lastEmbed(comments, publicUrl),
    deliveries: p.deliveries,
  };
}

function rendered(c: FakeComment, cache: Map<number, string>): string {
  let html = cache.get(c.id);
  if (html === undefined) {
    html = renderMarkdown(c.body);
    cache.set(c.id, html);
  }
  return html;
}

/** GitHub counts one reaction per person and kind; only GitDone reacts here, so each kind counts once. */
function count(rs: FakeReaction[]): Reactions {
  const out: Reactions = {};
  for (const r of rs) out[r.content] = 1;
  return out;
}

/** The goal page linked from GitDone's most recent comment that links one. */
function lastEmbed(comments: FakeComment[], publicUrl: string): string | null {
  const link = new RegExp(`${escapeRegExp(publicUrl)}/embed/([A-Za-z0-9_-]{10,64})`);
  for (let i = comments.length - 1; i >= 0; i--) {
    const c = comments[i]!;
    if (c.author !== undefined) continue; // only GitDone's own links count
    const m = link.exec(c.body);
    if (m) return `/embed/${m[1]}`;
  }
  return null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
