import { Timestamp } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { waitForJob } from '../support/exports';
import { createTenant } from '../support/ingest-paths';

// A malformed export job document (written by an older version, by hand, or damaged) is read
// through its schema: the worker fails the job with the document's path and the field to mend,
// instead of crashing its trigger and leaving the job stuck.

const db = () => adminDb();

afterAll(async () => {
  await closeAdminApp();
});

function job(tenantId: string, requester: User, over: Record<string, unknown>): Record<string, unknown> {
  return {
    tenantId,
    requestedBy: { tenantId, uid: requester.uid, role: 'admin', email: requester.email },
    filter: {},
    filterSummary: 'all entries',
    format: 'csv',
    bom: false,
    state: 'queued',
    rowsWritten: 0,
    rowsTotal: null,
    bytes: 0,
    progress: 0,
    sha256: null,
    error: null,
    objectPath: `exports/${tenantId}/job.csv`,
    contentType: 'text/csv',
    fileName: 'export.csv',
    slice: 0,
    claimedSlice: -1,
    parts: 0,
    cursor: null,
    createdAt: Timestamp.now(),
    updatedAt: Timestamp.now(),
    ...over,
  };
}

describe('malformed export job documents', () => {
  let tenant: string;
  let admin: User;

  beforeAll(async () => {
    requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');
    tenant = uniqueTenant('malformed-export');
    await createTenant(db(), tenant);
    admin = await tenantUser(db(), tenant, 'admin');
  });

  it('the worker fails a queued job it cannot read, naming the document and the field', async () => {
    const id = `bad-format-${tenant}`;
    await db()
      .collection('audit_exports')
      .doc(id)
      .set(job(tenant, admin, { format: 'xml' }));

    const finished = await waitForJob(db(), 'audit_exports', id);
    expect(finished.state).toBe('failed');
    expect(finished.error).toEqual({
      code: 'malformed_document',
      message: `malformed document audit_exports/${id}: format: must be one of "ndjson", "json", "csv", is "xml"`,
    });
  });

  it('a stored filter that breaks a rule is named field by field', async () => {
    const id = `bad-filter-${tenant}`;
    await db()
      .collection('audit_exports')
      .doc(id)
      .set(job(tenant, admin, { filter: { categories: ['NOT_A_CATEGORY'] } }));

    const finished = await waitForJob(db(), 'audit_exports', id);
    expect(finished).toMatchObject({ state: 'failed', error: { code: 'malformed_document' } });
    expect((finished.error as { message: string }).message).toContain(
      `malformed document audit_exports/${id}: filter.categories`,
    );
  });
});
