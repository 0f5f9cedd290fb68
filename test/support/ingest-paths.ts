import type { DocumentData, DocumentReference, Firestore, Query } from 'firebase-admin/firestore';
import { pubsubClient, waitFor } from './emulators';

// Helpers shared by the ingest-path suites (outbox, change capture, anomaly, auth events).

/** Creates (or refreshes) a tenant document so ingest accepts the tenant's events. */
export async function createTenant(db: Firestore, tenantId: string, settings: DocumentData = {}): Promise<void> {
  await db
    .collection('tenants')
    .doc(tenantId)
    .set({ name: `Tenant ${tenantId}`, ...settings });
}

/** A valid envelope of the contract, in the given tenant. */
export function testEnvelope(tenantId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: `evt-${Math.random().toString(36).slice(2, 10)}`,
    eventType: 'repo.created',
    tenantId,
    occurredAt: new Date(Date.now() - 1000).toISOString(),
    source: 'repo-service',
    actor: { type: 'user', id: 'u-alice', name: 'Alice' },
    resource: { type: 'repository', id: 'r-api', name: 'api' },
    changes: { before: null, after: { name: 'api', visibility: 'private' } },
    ...overrides,
  };
}

/** Publishes an envelope to the contract's topic; returns the message id. */
export async function publishEnvelope(envelope: unknown): Promise<string> {
  return pubsubClient()
    .topic('audit-events')
    .publishMessage({ data: Buffer.from(JSON.stringify(envelope)) });
}

/** Waits until the document exists; returns its data. */
export async function waitForDoc(ref: DocumentReference, what: string, timeoutMs = 30_000): Promise<DocumentData> {
  const snap = await waitFor(
    () => ref.get(),
    (s) => s.exists,
    { what, timeoutMs },
  );
  return snap.data()!;
}

/** Waits until the document no longer exists. */
export async function waitForGone(ref: DocumentReference, what: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    () => ref.get(),
    (s) => !s.exists,
    { what, timeoutMs },
  );
}

/** Waits until a query returns at least `count` documents; returns their data. */
export async function waitForCount(
  query: Query,
  count: number,
  what: string,
  timeoutMs = 30_000,
): Promise<DocumentData[]> {
  const snap = await waitFor(
    () => query.get(),
    (s) => s.size >= count,
    { what, timeoutMs },
  );
  return snap.docs.map((d) => d.data());
}
