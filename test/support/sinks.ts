import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { AuditEntry } from '../../functions/src/domain';
import { comparePositions } from '../../functions/src/domain/sinks';
import { mapPool } from '../../functions/src/domain/pool';
import { toStored } from '../../functions/src/store/converters';
import { entriesOn } from './tiering';

/** Entries of a tenant with the instants they are recorded at, in the stream's order. */
export interface Recorded {
  entries: AuditEntry[];
  recordedAtMs: Map<string, number>;
  /** Log ids in `(recordedAt, logId)` order: what a stream must deliver, in this order. */
  order: string[];
}

/**
 * `count` entries of a tenant recorded from `startMs` on, three to a millisecond (so the log id
 * decides the order within a millisecond), built by the real pipeline.
 */
export function recordedEntries(tenantId: string, count: number, startMs: number, label = 's'): Recorded {
  // Happened the day before yesterday (occurredAt is spread over a whole day and may not lie ahead).
  const date = new Date(startMs - 2 * 86_400_000).toISOString().slice(0, 10);
  const entries = entriesOn(tenantId, date, count, label);
  const recordedAtMs = new Map(entries.map((e, i) => [e.logId, startMs + Math.floor(i / 3)]));
  const order = entries
    .map((e) => ({ logId: e.logId, recordedAtMs: recordedAtMs.get(e.logId)! }))
    .sort(comparePositions)
    .map((p) => p.logId);
  return { entries, recordedAtMs, order };
}

/** Writes entries in the stored shape with the Admin SDK, as ingest stores them, 400 to a batch. */
export async function writeRecorded(db: Firestore, recorded: Recorded): Promise<void> {
  const chunks: AuditEntry[][] = [];
  for (let i = 0; i < recorded.entries.length; i += 400) chunks.push(recorded.entries.slice(i, i + 400));
  await mapPool(chunks, 4, async (chunk) => {
    const batch = db.batch();
    for (const e of chunk) {
      batch.create(
        db.collection('audit_logs').doc(e.logId),
        toStored(e, new Date(recorded.recordedAtMs.get(e.logId)!)),
      );
    }
    await batch.commit();
  });
}

/** Writes one entry recorded at `recordedAtMs`. */
export async function writeEntryAt(db: Firestore, entry: AuditEntry, recordedAtMs: number): Promise<void> {
  await db
    .collection('audit_logs')
    .doc(entry.logId)
    .create(toStored(entry, new Date(recordedAtMs)));
}

function plain(value: unknown): unknown {
  if (value instanceof Timestamp) return value.toMillis();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** A stored stream (configuration, cursor, lease, health), with instants as milliseconds. */
export interface StoredSinkState {
  status: string;
  generation: number;
  cursor: { recordedAt: number; logId: string | null };
  lease: { owner: string; until: number } | null;
  health: {
    deliveredCount: number;
    deliveredBatches: number;
    lagMs: number;
    caughtUp: boolean;
    consecutiveFailures: number;
    lastError: { message: string; retryable: boolean } | null;
    nextAttemptAt: number | null;
  };
}

export async function sinkState(db: Firestore, sinkId: string): Promise<StoredSinkState> {
  return plain((await db.collection('audit_sinks').doc(sinkId).get()).data()) as StoredSinkState;
}

/**
 * Every entry of a tenant in the stream's order, read plainly (no range, no order in the query)
 * and sorted here, so the expectation does not share the delivery's query. It includes the
 * entries the system records itself, such as the audit entry of the stream's own creation.
 * With `fromMs`, only those recorded at or after it (what a replay from `fromMs` sends).
 */
export async function tenantOrder(db: Firestore, tenantId: string, fromMs = -Infinity): Promise<string[]> {
  const snap = await db.collection('audit_logs').where('tenantId', '==', tenantId).select('recordedAt').get();
  return snap.docs
    .map((d) => ({ logId: d.id, recordedAtMs: (d.get('recordedAt') as Timestamp).toMillis() }))
    .filter((p) => p.recordedAtMs >= fromMs)
    .sort(comparePositions)
    .map((p) => p.logId);
}

/**
 * The part of `truth` (from `fromIndex`) that a receiver should have kept so far: delivery may
 * not yet have reached entries the system recorded in the last moments (they are newer than the
 * read horizon), so a prefix of the tenant's order, as long as what was kept.
 */
export function expectedPrefix(truth: readonly string[], kept: readonly string[]): string[] {
  return truth.slice(0, kept.length);
}
