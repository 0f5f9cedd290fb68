import { getStorage } from 'firebase-admin/storage';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEntry, CLEAR_TEXT_TENANT_SETTINGS, validateEnvelope, type AuditEntry } from '../../functions/src/domain';
import { fromArchiveRow, isoMicrosToInstant, type ArchiveRow } from '../../functions/src/domain/archive';
import { toStored, toStoredReview, type StoredAuditEntry } from '../../functions/src/store/converters';
import type { TieringDeps } from '../../functions/src/tiering/context';
import { openDuckDb } from '../../functions/src/tiering/duckdb';
import { emitArchiveEvent } from '../../functions/src/tiering/events';
import { readArchiveRows } from '../../functions/src/tiering/parquet-reader';
import { downloadWithDigest, type Bucket } from '../../functions/src/tiering/storage';
import { envelope } from '../fixtures/envelopes';
import { checkpointTenants } from './checkpoints';
import { adminApp, adminDb, PROJECT_ID, requireEmulators } from './emulators';

export const DAY = 86_400_000;
/** The Storage emulator's default bucket of the demo project (what `archiveBucket()` resolves to). */
export const BUCKET = `${PROJECT_ID}.appspot.com`;

export function bucket(): Bucket {
  requireEmulators('FIREBASE_STORAGE');
  return getStorage(adminApp()).bucket(BUCKET);
}

/** The job's real dependencies, bound to the suite's Admin app. */
export function tieringDeps(): TieringDeps {
  return { db: adminDb(), bucket: bucket(), emit: emitArchiveEvent };
}

/** UTC date `daysAgo` days before today. */
export function dateDaysAgo(daysAgo: number): string {
  return new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
}

const TYPES: Array<[string, Record<string, unknown>]> = [
  ['repo.created', {}],
  ['repo.visibility_changed', { changes: { before: { visibility: 'private' }, after: { visibility: 'public' } } }],
  ['auth.login.failed', { outcome: 'failure', resource: undefined, changes: undefined }],
  ['issue.commented', { changes: undefined, metadata: { body: 'looks good', n: 3, nested: { z: 1, a: [1, 'x'] } } }],
  ['pr.merged', { changes: undefined, outcome: 'success' }],
  ['org.member_added', { changes: { before: null, after: { role: 'member' } }, outcome: 'denied' }],
];

/**
 * Builds `count` entries of a tenant on one UTC day with the real pipeline (classification,
 * redaction, tokens, hash), each at a distinct millisecond, varied enough for every filter;
 * `patch` overrides envelope fields of every entry.
 */
export function entriesOn(
  tenantId: string,
  date: string,
  count: number,
  label = 'e',
  patch: Record<string, unknown> = {},
): AuditEntry[] {
  const start = Date.parse(`${date}T00:00:00.000Z`);
  return Array.from({ length: count }, (_, i) => {
    const [eventType, extra] = TYPES[i % TYPES.length]!;
    const raw = envelope(tenantId, {
      eventId: `${label}-${date}-${i}`,
      eventType,
      // Spread over the whole day, each at its own millisecond.
      occurredAt: new Date(start + 1000 + i * Math.floor(86_000_000 / count) + (i % 7)).toISOString(),
      actor: {
        type: 'user',
        id: `u-${i % 4}`,
        name: `User ${i % 4}`,
        email: `user${i % 4}@example.com`,
        roles: ['dev'],
      },
      resource: { type: 'repository', id: `r-${i % 3}`, name: `repo ${i % 3}` },
      sequence: i,
      context: { correlationId: `corr-${label}-${i}` },
      ...extra,
      ...patch,
    });
    for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];
    return buildEntry(validateEnvelope(raw, new Date()), CLEAR_TEXT_TENANT_SETTINGS, { via: 'pubsub' });
  });
}

/**
 * Writes entries in the stored shape with the Admin SDK (as ingest would have, recorded a moment
 * after they happened), then signs them with the checkpoint job: the tiering job archives only
 * entries a checkpoint covers. The checkpoints here span whole UTC days (a day is a valid
 * interval), so a seeded day costs one checkpoint, not one per five minutes with entries.
 * `{ checkpoint: false }` leaves them unsigned, for a test that runs the job itself.
 */
export async function seed(
  db: Firestore,
  entries: readonly AuditEntry[],
  options: { checkpoint?: boolean } = {},
): Promise<Map<string, StoredAuditEntry>> {
  const stored = new Map<string, StoredAuditEntry>();
  // Up to two writes an entry (a flagged one has its review doc, as ingest writes it): 200 a batch.
  for (let i = 0; i < entries.length; i += 200) {
    const batch = db.batch();
    for (const e of entries.slice(i, i + 200)) {
      const doc = toStored(e, new Date(Date.parse(e.occurredAt) + 1234));
      stored.set(e.logId, doc);
      batch.create(db.collection('audit_logs').doc(e.logId), doc);
      if (e.requiresReview) batch.create(db.collection('audit_reviews').doc(e.logId), toStoredReview(doc));
    }
    await batch.commit();
  }
  if (options.checkpoint === false) return stored;
  // Closed at the newest seeded entry, so anything the system records meanwhile (reactions to
  // these entries) falls after the chain's head instead of arriving late in a signed window.
  const newest = Math.max(...entries.map((e) => Date.parse(e.occurredAt) + 1234));
  const tenants = [...new Set(entries.map((e) => e.tenantId))];
  await checkpointTenants(tenants, { intervalMs: DAY, now: () => newest + 1 });
  return stored;
}

export async function createTenant(db: Firestore, tenantId: string, retentionDays = 90): Promise<void> {
  await db
    .collection('tenants')
    .doc(tenantId)
    .set({ name: `tiering ${tenantId}`, retentionDays });
}

/** How many of these ids still exist in Firestore. */
export async function countExisting(db: Firestore, logIds: readonly string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < logIds.length; i += 300) {
    const snaps = await db.getAll(...logIds.slice(i, i + 300).map((id) => db.collection('audit_logs').doc(id)));
    n += snaps.filter((s) => s.exists).length;
  }
  return n;
}

/** Every row of an archive object, read back through DuckDB from a fresh download. */
export async function readArchiveObject(objectPath: string): Promise<ArchiveRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'tiering-test-'));
  const local = join(dir, 'a.parquet');
  try {
    const got = await downloadWithDigest(bucket(), objectPath, local);
    if (!got) throw new Error(`${objectPath} does not exist`);
    const duck = await openDuckDb();
    const rows: ArchiveRow[] = [];
    try {
      for await (const chunk of readArchiveRows(duck.conn, [local])) rows.push(...chunk);
    } finally {
      duck.close();
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A row as the Firestore document it came from (Timestamps rebuilt), for field-by-field equality. */
export function rowAsStored(row: ArchiveRow): Record<string, unknown> {
  return fromArchiveRow(row, (iso) => {
    const { seconds, nanoseconds } = isoMicrosToInstant(iso);
    return new Timestamp(seconds, nanoseconds);
  });
}

/** `audit_archives` documents of a tenant (all days), by id. */
export async function archivesOf(db: Firestore, tenantId: string) {
  const snap = await db.collection('audit_archives').where('tenantId', '==', tenantId).get();
  return new Map(snap.docs.map((d) => [d.id, d.data()]));
}
