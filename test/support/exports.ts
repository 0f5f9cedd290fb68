import { getStorage } from 'firebase-admin/storage';
import type { Firestore } from 'firebase-admin/firestore';
import { buildEntry, CLEAR_TEXT_TENANT_SETTINGS, validateEnvelope, type AuditEntry } from '../../functions/src/domain';
import { parseExportFilter, toExportRecord, type ExportRecord } from '../../functions/src/domain/export';
import { newExportDoc } from '../../functions/src/export/export-jobs';
import { toStored, toStoredReview } from '../../functions/src/store/converters';
import { callCallable, FUNCTIONS_BASE } from './api-client';
import { adminApp, PROJECT_ID, waitFor } from './emulators';

// Helpers of the export and report suites: seed built entries with batched Admin writes, wait for
// jobs, download through the real endpoints. Nothing here knows how the worker is implemented.

/** The recorded time a seeded entry gets: a fixed offset after it occurred, so tests can predict it. */
export const RECORDED_DELAY_MS = 1500;

/** Builds a stored entry from envelope fields through the real pipeline (validate, classify, redact, hash). */
export function builtEntry(raw: Record<string, unknown>): AuditEntry {
  return buildEntry(validateEnvelope(raw, new Date()), CLEAR_TEXT_TENANT_SETTINGS, { via: 'pubsub' });
}

/**
 * The export record an entry must come back as: with the review status of its review doc, as
 * seeded (pending for a flagged entry, none otherwise) unless a test changes it.
 */
export function expectedRecord(entry: AuditEntry, reviewStatus?: string): ExportRecord {
  return toExportRecord({
    ...entry,
    reviewStatus: reviewStatus ?? (entry.requiresReview ? 'pending' : 'none'),
    recordedAt: new Date(Date.parse(entry.occurredAt) + RECORDED_DELAY_MS).toISOString(),
  });
}

/**
 * Writes entries with batched Admin writes (500 per batch, a few batches in flight); a flagged
 * entry gets its pending review doc in the same batch, as ingest writes it.
 */
export async function seedEntries(db: Firestore, entries: Iterable<AuditEntry>, inFlight = 4): Promise<number> {
  let batch = db.batch();
  let size = 0;
  let total = 0;
  const pending = new Set<Promise<unknown>>();
  const commit = async () => {
    const p = batch.commit();
    pending.add(p);
    void p.finally(() => pending.delete(p));
    batch = db.batch();
    size = 0;
    if (pending.size >= inFlight) await Promise.race(pending);
  };
  for (const entry of entries) {
    const stored = toStored(entry, new Date(Date.parse(entry.occurredAt) + RECORDED_DELAY_MS));
    batch.create(db.collection('audit_logs').doc(entry.logId), stored);
    size++;
    if (entry.requiresReview) {
      batch.create(db.collection('audit_reviews').doc(entry.logId), toStoredReview(stored));
      size++;
    }
    total++;
    if (size >= 499) await commit();
  }
  if (size > 0) await commit();
  await Promise.all(pending);
  return total;
}

/** Calls a callable and returns its result, failing the test with the error otherwise. */
export async function callOk<T>(name: string, data: unknown, idToken: string): Promise<T> {
  const answer = await callCallable(name, data, idToken);
  if (answer.status !== 200) throw new Error(`${name} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.result as T;
}

/** The callable error status (`PERMISSION_DENIED`, ...) of a call expected to fail. */
export async function callStatus(name: string, data: unknown, idToken?: string): Promise<string | undefined> {
  const answer = await callCallable(name, data, idToken);
  return (answer.body.error as { status?: string } | undefined)?.status;
}

/** Waits until a job document reaches a final state; returns its data. */
export async function waitForJob(
  db: Firestore,
  collection: 'audit_exports' | 'audit_reports',
  id: string,
  timeoutMs = 120_000,
): Promise<Record<string, unknown>> {
  return waitFor(
    async () => (await db.collection(collection).doc(id).get()).data() ?? {},
    (d) => ['succeeded', 'failed', 'canceled'].includes(d.state as string),
    { timeoutMs, intervalMs: 500, what: `${collection}/${id} to finish` },
  );
}

/** Opens a download through a single-use link, as the console's download button does. */
export async function downloadViaLink(kind: 'export' | 'report', id: string, idToken: string): Promise<Response> {
  const link = await callOk<{ path: string }>('createDownloadLink', { kind, id }, idToken);
  return fetch(`${FUNCTIONS_BASE}/${link.path}`);
}

/** The default bucket of the Storage emulator. */
export function testBucket() {
  return getStorage(adminApp()).bucket(`${PROJECT_ID}.appspot.com`);
}

/** Audit entries of a tenant with a given event type. */
export async function auditEntries(
  db: Firestore,
  tenantId: string,
  eventType: string,
): Promise<Array<Record<string, unknown>>> {
  const snap = await db
    .collection('audit_logs')
    .where('tenantId', '==', tenantId)
    .where('eventType', '==', eventType)
    .get();
  return snap.docs.map((d) => d.data());
}

/**
 * A queued export job document as `startExport` writes it (its own `newExportDoc`), for suites
 * that create jobs directly (operators, hand-made or damaged documents); `over` replaces any member.
 */
export function exportJobDoc(
  tenantId: string,
  requester: { uid: string; email?: string; role?: string },
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  const { uid, email, role = 'admin' } = requester;
  const requestedBy = { tenantId, uid, role, ...(email ? { email } : {}) };
  const job = newExportDoc({
    tenantId,
    requestedBy,
    filter: parseExportFilter({}),
    filterSummary: 'all entries',
    format: 'csv',
    bom: false,
    objectPath: `exports/${tenantId}/job.csv`,
    contentType: 'text/csv',
    fileName: 'export.csv',
  });
  return { ...job, ...over };
}
