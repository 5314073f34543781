import DataLoader from 'dataloader';
import type { Db } from '../db/database.js';
import { insertDeliveries, insertDelivery, PART_BYTES } from '../db/deliveries.js';
import { enqueueMany, installationQueue } from '../db/queue.js';
import { upsertRepositories, upsertRepository, type RepoRef } from '../db/repositories.js';
import type { RecordedEvent } from '../deliveries/recorded.js';

export interface Delivery {
  id: string;
  event: RecordedEvent;
  /** The payload as GitHub sent it, jsonb-safe (webhooks/parse.ts), or JSON text. */
  json: string | Uint8Array;
  repo: RepoRef;
  /** The task that acts on it: DELIVERY_TASK unless said otherwise. */
  task?: DeliveryTask;
}

/** The queue task that acts on a recorded delivery (jobs/process-delivery.ts). */
export const DELIVERY_TASK = 'process-delivery';
/**
 * The same, for an issue transfer (either of its deliveries). A task of its own because
 * graphile-worker hands a job only to workers that know its task: during a rolling update, or
 * after a rollback, a release without transfers leaves these queued instead of dropping them
 * as an unknown event, or running a transferred issue's body as new commands.
 */
export const TRANSFER_TASK = 'process-transfer';
export type DeliveryTask = typeof DELIVERY_TASK | typeof TRANSFER_TASK;

/** Records a delivery; resolves once it is durable, with whether it was new. */
export type RecordDelivery = (d: Delivery) => Promise<boolean>;

/**
 * The only thing a webhook handler does with a delivery it cares about: store it and
 * its job in one transaction, keyed by GitHub's delivery id (the same on redelivery),
 * so GitHub's 2xx means "kept", and a second copy changes nothing.
 * Returns false for a delivery already recorded.
 */
export async function recordDelivery(db: Db, d: Delivery): Promise<boolean> {
  if (!isSmall(d)) {
    return db.transaction().execute(async (q) => {
      await upsertRepository(q, d.repo);
      const fresh = await insertDelivery(q, { id: d.id, event: d.event, installationId: d.repo.installationId, repoId: d.repo.id, json: d.json });
      if (fresh) await enqueueMany(q, [jobOf(d)]);
      return fresh;
    });
  }
  return (await recordDeliveries(db, [d]))[0]!;
}

/**
 * recordDelivery for many deliveries in one transaction: one commit, one NOTIFY for all
 * of them. Each is new or not as if recorded alone (a batch may hold one id twice: the
 * first copy counts). Small bodies only (PART_BYTES).
 */
export async function recordDeliveries(db: Db, ds: readonly Delivery[]): Promise<boolean[]> {
  return db.transaction().execute(async (q) => {
    await upsertRepositories(q, ds.map((d) => d.repo));
    const fresh = await insertDeliveries(
      q,
      ds.map((d) => ({ id: d.id, event: d.event, installationId: d.repo.installationId, repoId: d.repo.id, json: d.json })),
    );
    const counted = new Set<string>();
    const isNew = ds.map((d) => {
      const first = fresh.has(d.id) && !counted.has(d.id);
      counted.add(d.id);
      return first;
    });
    await enqueueMany(q, ds.filter((_, i) => isNew[i]).map(jobOf));
    return isNew;
  });
}

/**
 * Group commit: deliveries that arrive while a batch is being committed wait for it, then go
 * together in the next transaction. Each delivery is a durable commit before its caller hears
 * back, as before, but a burst costs one fsync and one NOTIFY per batch instead of per
 * delivery (PostgreSQL takes a global lock to commit a NOTIFY: one per delivery capped the
 * webhook path at about 300 a second). A quiet server commits each delivery at once.
 *
 * DataLoader does the gathering (it is made for collecting the calls of one moment into one
 * batch); its cache is off, as each call is a write. A failed batch is retried one delivery at
 * a time, so one bad delivery fails alone.
 */
export function deliveryRecorder(db: Db, opts: { maxBatch?: number; onBatch?: (size: number) => void } = {}): RecordDelivery {
  let committing: Promise<unknown> = Promise.resolve();
  const loader = new DataLoader<Delivery, boolean>(
    (batch) => {
      opts.onBatch?.(batch.length);
      const done = commitBatch(db, batch);
      committing = done;
      return done;
    },
    {
      cache: false,
      maxBatchSize: opts.maxBatch ?? 200,
      // A new batch gathers until the batch before it has committed (or, when none is under
      // way, until the calls of this moment are in), then goes.
      batchScheduleFn: (dispatch) => void committing.then(() => setImmediate(dispatch)),
    },
  );
  return (d) => (isSmall(d) ? loader.load(d) : recordDelivery(db, d));
}

async function commitBatch(db: Db, batch: readonly Delivery[]): Promise<Array<boolean | Error>> {
  try {
    return await recordDeliveries(db, batch);
  } catch (err) {
    if (batch.length === 1) return [err as Error];
    return Promise.all(batch.map((d) => recordDeliveries(db, [d]).then((r) => r[0]!, (e: Error) => e)));
  }
}

function jobOf(d: Delivery) {
  return { task: d.task ?? DELIVERY_TASK, payload: { deliveryId: d.id }, key: `delivery:${d.id}`, queue: installationQueue(d.repo.installationId) };
}

/** JSON text is sent as it is; only a large body as received is sent in parts (db/deliveries.ts). */
function isSmall(d: Delivery): boolean {
  return typeof d.json === 'string' || d.json.byteLength <= PART_BYTES;
}
