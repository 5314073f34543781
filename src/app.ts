import type { ApplicationFunction } from 'probot';
import type { Db } from './db/database.js';
import { embedRoutes } from './embed/routes.js';
import { onIssueComment } from './events/issue-comment.js';
import { onIssueClosed, onIssueOpened, onIssueTransferred } from './events/issues.js';
import {
  onInstallationBack,
  onInstallationGone,
  onRepositoriesChanged,
  onRepositoryDeleted,
  onRepositoryMoved,
} from './events/installation.js';
import { onPullRequestClosed } from './events/pull-request.js';
import { onPush } from './events/push.js';
import { healthRoutes } from './http/health.js';
import type { Metrics } from './http/metrics.js';
import { deliveryRecorder } from './usecases/record-delivery.js';
import { webhookIntake } from './webhooks/intake.js';

export interface AppDeps {
  /** Embeds and health checks. */
  db: Db;
  /**
   * The webhook path's own pool (default: db), so that a busy worker or a flood of embed views
   * can never leave a delivery waiting for a connection (startup.ts sizes it).
   */
  intakeDb?: Db;
  metrics: Metrics;
  publicUrl: string;
  githubUrl: string;
  now?: () => Date;
  /** Reuse an embed's goal lookup this long (ms); GitDone runs with 1000, tests with 0. */
  embedCacheMs?: number;
  /** GitDone's own webhook endpoint (webhooks/intake.ts); without it, Probot's middleware stays. */
  webhooks?: { path: string; secret: string };
}

/** The Probot app: wires webhook events to their recorders and the HTTP routes. Nothing else. */
export function gitdone(deps: AppDeps): ApplicationFunction {
  return (app, { addHandler }) => {
    if (deps.webhooks) {
      const intake = webhookIntake({ ...deps.webhooks, metrics: deps.metrics, log: app.log, receive: (event) => app.receive(event as never) });
      // Probot's server mounts what the app's getNodeMiddleware() returns ahead of every other
      // route: GitDone hands it its own intake, which bounds, verifies and logs deliveries the
      // way a shared deployment needs (see webhooks/intake.ts).
      app.getNodeMiddleware = async () => intake as never;
    }
    const intakeDb = deps.intakeDb ?? deps.db;
    const events = { db: intakeDb, record: deliveryRecorder(intakeDb, { onBatch: (n) => deps.metrics.webhookBatchSize.observe(n) }) };
    app.on('issue_comment.created', onIssueComment(events));
    app.on('issues.opened', onIssueOpened(events));
    app.on('issues.closed', onIssueClosed(events));
    app.on('issues.transferred', onIssueTransferred(events));
    app.on('pull_request.closed', onPullRequestClosed(events));
    app.on('push', onPush(events));
    app.on(['installation.deleted', 'installation.suspend'], onInstallationGone(events));
    app.on(['installation.created', 'installation.unsuspend'], onInstallationBack(events));
    app.on('installation_repositories', onRepositoriesChanged(events));
    app.on(['repository.renamed', 'repository.transferred'], onRepositoryMoved(events));
    app.on('repository.deleted', onRepositoryDeleted(events));

    addHandler(healthRoutes({ db: deps.db }));
    addHandler(
      embedRoutes({ db: deps.db, metrics: deps.metrics, publicUrl: deps.publicUrl, githubUrl: deps.githubUrl, now: deps.now, cacheMs: deps.embedCacheMs }),
    );
  };
}
