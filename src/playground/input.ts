/**
 * What the playground page may send, checked the way GitHub would refuse it: a login GitHub
 * would accept, a branch name git would accept, a comment within GitHub's 65,536 characters.
 * Pure; each reader returns the value or one sentence saying what is wrong.
 */

export const ROLES = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** GitHub's limit for a comment body. */
export const MAX_COMMENT_CHARS = 65_536;
export const MAX_COMMIT_MESSAGE_CHARS = 10_000;

/** GitHub logins: letters, digits and single hyphens between them, at most 39 characters. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** A branch name git accepts (the usual subset): no `..`, `//`, `@{`, leading or trailing `/` or `.`, or `.lock` end. */
const BRANCH = /^(?![/.])(?!.*(?:\.\.|\/\/|@\{|\/\.))(?!.*(?:\/|\.|\.lock)$)[A-Za-z0-9._/-]{1,100}$/;

export type Input<T> = { value: T } | { problem: string };

export interface CommentInput {
  author: string;
  role: Role;
  body: string;
}

export interface PushInput {
  author: string;
  branch: string;
  message: string;
}

export interface ActorInput {
  author: string;
}

export function readComment(input: unknown): Input<CommentInput> {
  const o = record(input);
  const author = login(o.author);
  if ('problem' in author) return author;
  if (typeof o.role !== 'string' || !(ROLES as readonly string[]).includes(o.role)) return { problem: `role must be one of ${ROLES.join(', ')}.` };
  if (typeof o.body !== 'string' || o.body.trim() === '') return { problem: 'The comment is empty.' };
  if (o.body.length > MAX_COMMENT_CHARS) return { problem: `A comment holds at most ${MAX_COMMENT_CHARS} characters, as on GitHub.` };
  return { value: { author: author.value, role: o.role as Role, body: o.body } };
}

export function readPush(input: unknown): Input<PushInput> {
  const o = record(input);
  const author = login(o.author);
  if ('problem' in author) return author;
  const branch = typeof o.branch === 'string' ? o.branch.trim() : '';
  if (!BRANCH.test(branch)) return { problem: 'The branch must be a name git accepts, such as main or release/1.0.' };
  if (typeof o.message !== 'string' || o.message.trim() === '') return { problem: 'The commit message is empty.' };
  if (o.message.length > MAX_COMMIT_MESSAGE_CHARS) return { problem: `A commit message here holds at most ${MAX_COMMIT_MESSAGE_CHARS} characters.` };
  return { value: { author: author.value, branch, message: o.message } };
}

export function readActor(input: unknown): Input<ActorInput> {
  const author = login(record(input).author);
  return 'problem' in author ? author : { value: { author: author.value } };
}

function login(v: unknown): Input<string> {
  const s = typeof v === 'string' ? v.trim() : '';
  return LOGIN.test(s) ? { value: s } : { problem: 'The user name must be a GitHub login: letters, digits and single hyphens, at most 39 characters.' };
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
