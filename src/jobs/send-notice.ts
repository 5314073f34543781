import type { NoticeJob } from '../notices/plan.js';
import { notify } from '../usecases/notify.js';
import type { WorkerDeps } from './deps.js';

/** A notice at its time (usecases/notify.ts). */
export async function sendNotice(deps: WorkerDeps, job: NoticeJob): Promise<void> {
  const result = await notify(job, { db: deps.db, auth: deps.auth, app: deps.app, links: deps.links, log: deps.log, now: deps.now?.() ?? new Date(), beforeComment: deps.beforeComment });
  deps.metrics?.notices.inc({ kind: job.kind, result });
}
