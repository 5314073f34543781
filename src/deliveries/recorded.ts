import type { EmitterWebhookEvent } from '@octokit/webhooks';

/**
 * The deliveries GitDone records for a job to act on, with the payload types GitHub's own
 * schema gives them (@octokit/webhooks). Adding an event here makes the compiler ask for
 * its job (jobs/process-delivery.ts).
 */
export type RecordedEvent = 'issue_comment.created' | 'issues.opened' | 'issues.closed' | 'issues.transferred' | 'pull_request.closed' | 'push';

export type PayloadOf<E extends RecordedEvent> = EmitterWebhookEvent<E>['payload'];

/** Each payload as a job reads it back: a push's commits stay in the database, read through a cursor in batches. */
interface StoredPayloads {
  'issue_comment.created': PayloadOf<'issue_comment.created'>;
  'issues.opened': PayloadOf<'issues.opened'>;
  'issues.closed': PayloadOf<'issues.closed'>;
  'issues.transferred': PayloadOf<'issues.transferred'>;
  'pull_request.closed': PayloadOf<'pull_request.closed'>;
  push: Omit<PayloadOf<'push'>, 'commits' | 'head_commit'>;
}

export type StoredPayload<E extends RecordedEvent> = StoredPayloads[E];

/** A recorded delivery, read back by its job. */
export interface StoredDelivery<E extends RecordedEvent> {
  id: string;
  event: E;
  payload: StoredPayload<E>;
  /** How many commits a push payload listed. */
  commitCount: number;
  receivedAt: Date;
}

/**
 * An `issues.opened` delivery for an issue transferred from another repository (GitHub sets
 * `changes.old_issue`): not a new issue whose body holds commands, the arrival of one that had goals.
 */
export function isTransferredIn(p: PayloadOf<'issues.opened'>): boolean {
  return p.changes?.old_issue != null && p.changes.old_repository != null;
}
