import type { SinkHealth, SinkStatus, SinkView } from '@audit-log/model/callables';
import {
  FieldPath,
  FieldValue,
  Timestamp,
  type DocumentData,
  type DocumentSnapshot,
  type Firestore,
  type Query,
} from 'firebase-admin/firestore';
import {
  cursorAfter,
  mayCommit,
  runDecision,
  type EntryPosition,
  type RunDecision,
  type SinkCursor,
  type SinkFailure,
  type SinkLease,
  type SinkTarget,
  targetDestination,
} from '../domain/sinks';
import { COLLECTIONS } from '../store/collections';

// Firestore side of the streams: `audit_sinks/{sinkId}` holds a stream's configuration, durable
// cursor, lease and health (tenant admins read it; only functions write it); the signing key lives
// apart in `audit_sink_secrets/{sinkId}`, which no client can read.

export function sinkRef(db: Firestore, sinkId: string) {
  return db.collection(COLLECTIONS.sinks).doc(sinkId);
}

export function sinkSecretRef(db: Firestore, sinkId: string) {
  return db.collection(COLLECTIONS.sinkSecrets).doc(sinkId);
}

/** The health of a new stream. */
export function initialHealth(): Record<string, unknown> {
  return {
    deliveredCount: 0,
    deliveredBatches: 0,
    lastDeliveredAt: null,
    lagMs: 0,
    caughtUp: false,
    lastRunAt: null,
    lastError: null,
    consecutiveFailures: 0,
    nextAttemptAt: null,
  };
}

/** A new stream's configuration. */
export interface NewSinkConfig {
  name: string;
  target: SinkTarget;
  status: 'active';
  batchSize: number;
}

/**
 * The destination of a stored stream. It is stored as `kind` and the kind's own fields at the top
 * level (`url`; `topic`; `bucket` and `prefix`), which the console reads as they are. Streams
 * stored before there were kinds are webhooks.
 */
export function targetOf(d: DocumentData): SinkTarget {
  switch (d.kind) {
    case 'pubsub':
      return { kind: 'pubsub', topic: d.topic as string };
    case 'storage':
      return { kind: 'storage', bucket: d.bucket as string, prefix: d.prefix as string };
    default:
      return { kind: 'webhook', url: d.url as string };
  }
}

/**
 * Writes a new stream reading from `fromMs` and its signing key, in one batch, failing if either
 * exists. Used by `createSink` (and by the benchmark, which has no caller to authenticate).
 */
export async function insertSink(
  db: Firestore,
  sink: { sinkId: string; tenantId: string; config: NewSinkConfig; fromMs: number; secret: string; by: string },
  now: Date,
): Promise<void> {
  const batch = db.batch();
  batch.create(sinkRef(db, sink.sinkId), {
    tenantId: sink.tenantId,
    name: sink.config.name,
    ...sink.config.target,
    status: sink.config.status,
    batchSize: sink.config.batchSize,
    cursor: storedCursor({ recordedAtMs: sink.fromMs, logId: null }),
    generation: 0,
    configVersion: 1,
    configChangedAt: Timestamp.fromDate(now),
    lastAction: 'created',
    lease: null,
    health: initialHealth(),
    createdAt: Timestamp.fromDate(now),
    createdBy: sink.by,
  });
  batch.create(sinkSecretRef(db, sink.sinkId), {
    tenantId: sink.tenantId,
    secret: sink.secret,
    createdAt: Timestamp.fromDate(now),
  });
  await batch.commit();
}

/** A stream as a delivery run needs it. */
export interface StoredSink {
  sinkId: string;
  tenantId: string;
  name: string;
  kind: SinkTarget['kind'];
  target: SinkTarget;
  status: SinkStatus;
  batchSize: number;
  cursor: SinkCursor;
  generation: number;
  configVersion: number;
  lease: SinkLease | null;
  consecutiveFailures: number;
  nextAttemptAtMs: number | null;
  /** When the last configuration change happened (its audit event's `occurredAt`). */
  configChangedAtMs: number;
  /** The last configuration change, so a repeated command can be told from a new one. */
  lastAction: string | null;
  /** Set while a deletion is under way: the stream no longer delivers. */
  deletingAtMs: number | null;
}

const millis = (value: unknown): number | null => (value instanceof Timestamp ? value.toMillis() : null);
const iso = (value: unknown): string | null => (value instanceof Timestamp ? value.toDate().toISOString() : null);

/** Reads a stored stream; the shape is the functions' own, written only here. */
export function sinkOf(snap: DocumentSnapshot): StoredSink | null {
  const d = snap.data();
  if (d === undefined) return null;
  const cursor = d.cursor as { recordedAt: Timestamp; logId: string | null };
  const lease = d.lease as { owner: string; until: Timestamp } | null | undefined;
  const health = (d.health ?? {}) as DocumentData;
  const target = targetOf(d);
  return {
    sinkId: snap.id,
    tenantId: d.tenantId as string,
    name: d.name as string,
    kind: target.kind,
    target,
    status: d.status as SinkStatus,
    batchSize: d.batchSize as number,
    cursor: { recordedAtMs: cursor.recordedAt.toMillis(), logId: cursor.logId },
    generation: (d.generation as number | undefined) ?? 0,
    configVersion: (d.configVersion as number | undefined) ?? 0,
    lease: lease ? { owner: lease.owner, untilMs: lease.until.toMillis() } : null,
    consecutiveFailures: (health.consecutiveFailures as number | undefined) ?? 0,
    nextAttemptAtMs: millis(health.nextAttemptAt),
    configChangedAtMs: millis(d.configChangedAt) ?? 0,
    lastAction: (d.lastAction as string | undefined) ?? null,
    deletingAtMs: millis(d.deletingAt),
  };
}

/** The console's view of a stored stream (the same fields the console reads through the rules). */
export function sinkViewOf(snap: DocumentSnapshot): SinkView | null {
  const sink = sinkOf(snap);
  if (sink === null) return null;
  const h = (snap.get('health') ?? {}) as DocumentData;
  const lastError = h.lastError as { message: string; at: Timestamp; retryable: boolean } | null | undefined;
  const health: SinkHealth = {
    deliveredCount: (h.deliveredCount as number | undefined) ?? 0,
    deliveredBatches: (h.deliveredBatches as number | undefined) ?? 0,
    lastDeliveredAt: iso(h.lastDeliveredAt),
    lagMs: (h.lagMs as number | undefined) ?? 0,
    caughtUp: h.caughtUp === true,
    lastRunAt: iso(h.lastRunAt),
    lastError: lastError
      ? { message: lastError.message, at: iso(lastError.at)!, retryable: lastError.retryable }
      : null,
    consecutiveFailures: sink.consecutiveFailures,
    nextAttemptAt: iso(h.nextAttemptAt),
  };
  return {
    sinkId: sink.sinkId,
    tenantId: sink.tenantId,
    name: sink.name,
    destination: targetDestination(sink.target),
    ...sink.target,
    status: sink.status,
    batchSize: sink.batchSize,
    cursor: { recordedAt: new Date(sink.cursor.recordedAtMs).toISOString(), logId: sink.cursor.logId },
    health,
  };
}

/** The stored form of a cursor. */
export function storedCursor(cursor: SinkCursor): { recordedAt: Timestamp; logId: string | null } {
  return { recordedAt: Timestamp.fromMillis(cursor.recordedAtMs), logId: cursor.logId };
}

/**
 * The next batch of a stream: the tenant's entries after the cursor and recorded no later than
 * the horizon, in `(recordedAt, logId)` order, at most `limit`. One range query on the
 * `(tenantId, recordedAt)` index, so a batch costs its own entries whatever the backlog.
 */
export async function readBatch(
  db: Firestore,
  tenantId: string,
  cursor: SinkCursor,
  horizonMs: number,
  limit: number,
): Promise<Array<{ position: EntryPosition; data: DocumentData }>> {
  let query: Query = db
    .collection(COLLECTIONS.logs)
    .where('tenantId', '==', tenantId)
    .where('recordedAt', '<=', Timestamp.fromMillis(horizonMs));
  const at = Timestamp.fromMillis(cursor.recordedAtMs);
  query =
    cursor.logId === null
      ? query.where('recordedAt', '>=', at).orderBy('recordedAt', 'asc').orderBy(FieldPath.documentId(), 'asc')
      : query.orderBy('recordedAt', 'asc').orderBy(FieldPath.documentId(), 'asc').startAfter(at, cursor.logId);
  const snap = await query.limit(limit).get();
  return snap.docs.map((doc) => ({
    position: { recordedAtMs: (doc.get('recordedAt') as Timestamp).toMillis(), logId: doc.id },
    data: doc.data(),
  }));
}

/** The outcome of trying to take a stream's lease. */
export type LeaseOutcome =
  { taken: StoredSink } | { refused: Exclude<RunDecision, { run: true }>['reason'] | 'missing' };

/** Takes the lease of a stream for `owner` until `untilMs`, if the stream may run now. */
export async function takeLease(
  db: Firestore,
  sinkId: string,
  owner: string,
  nowMs: number,
  untilMs: number,
  force: boolean,
): Promise<LeaseOutcome> {
  const ref = sinkRef(db, sinkId);
  return db.runTransaction(async (tx) => {
    const sink = sinkOf(await tx.get(ref));
    if (sink === null) return { refused: 'missing' as const };
    const state = sink.deletingAtMs !== null ? { ...sink, status: 'paused' as const } : sink;
    const decision = runDecision(state, owner, nowMs, force);
    if (!decision.run) return { refused: decision.reason };
    tx.update(ref, { lease: { owner, until: Timestamp.fromMillis(untilMs) } });
    return { taken: { ...sink, lease: { owner, untilMs } } };
  });
}

/**
 * Moves the cursor past an acknowledged batch and counts it, if `owner` still holds the lease
 * at the run's generation. False when the stream was replayed, deleted or taken over meanwhile:
 * the run stops and its cursor is never written over the newer one.
 */
export async function commitBatch(
  db: Firestore,
  run: { sinkId: string; owner: string; generation: number },
  last: EntryPosition,
  count: number,
  nowMs: number,
  leaseUntilMs: number,
): Promise<{ committed: boolean; paused: boolean }> {
  const ref = sinkRef(db, run.sinkId);
  return db.runTransaction(async (tx) => {
    const sink = sinkOf(await tx.get(ref));
    if (!mayCommit(sink, run.owner, run.generation)) return { committed: false, paused: false };
    tx.update(ref, {
      cursor: storedCursor(cursorAfter(last)),
      lease: { owner: run.owner, until: Timestamp.fromMillis(leaseUntilMs) },
      'health.deliveredCount': FieldValue.increment(count),
      'health.deliveredBatches': FieldValue.increment(1),
      'health.lastDeliveredAt': Timestamp.fromMillis(nowMs),
      'health.lastError': null,
      'health.consecutiveFailures': 0,
      'health.nextAttemptAt': null,
    });
    return { committed: true, paused: sink!.status === 'paused' };
  });
}

/** Records a failed attempt on the stream (if the run still holds it); the cursor stays. */
export async function recordFailure(
  db: Firestore,
  run: { sinkId: string; owner: string; generation: number },
  failure: SinkFailure,
  nowMs: number,
): Promise<boolean> {
  const ref = sinkRef(db, run.sinkId);
  return db.runTransaction(async (tx) => {
    if (!mayCommit(sinkOf(await tx.get(ref)), run.owner, run.generation)) return false;
    tx.update(ref, {
      'health.lastError': { message: failure.message, at: Timestamp.fromMillis(nowMs), retryable: failure.retryable },
      'health.consecutiveFailures': failure.consecutiveFailures,
      'health.nextAttemptAt': Timestamp.fromMillis(failure.nextAttemptAtMs),
    });
    return true;
  });
}

/** Ends a run: records its lag and frees the lease, unless another run holds it by now. */
export async function releaseLease(
  db: Firestore,
  sinkId: string,
  owner: string,
  end: { nowMs: number; lagMs: number; caughtUp: boolean },
): Promise<void> {
  const ref = sinkRef(db, sinkId);
  await db.runTransaction(async (tx) => {
    const sink = sinkOf(await tx.get(ref));
    if (sink === null || sink.lease?.owner !== owner) return;
    tx.update(ref, {
      lease: null,
      'health.lagMs': end.lagMs,
      'health.caughtUp': end.caughtUp,
      'health.lastRunAt': Timestamp.fromMillis(end.nowMs),
    });
  });
}

/** The ids of a tenant's streams (or of every tenant's), for a delivery run. */
export async function listSinkIds(db: Firestore, tenantId?: string): Promise<string[]> {
  const all = db.collection(COLLECTIONS.sinks);
  const query = tenantId === undefined ? all : all.where('tenantId', '==', tenantId);
  const snap = await query.select().get();
  return snap.docs.map((d) => d.id);
}
