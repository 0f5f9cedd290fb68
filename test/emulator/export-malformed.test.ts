import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { exportJobDoc, waitForJob } from '../support/exports';
import { createTenant } from '../support/ingest-paths';

// A malformed export job document (written by an older version, by hand, or damaged) is read
// through its schema: the worker fails the job with the document's path and the field to mend,
// instead of crashing its trigger and leaving the job stuck.

const db = () => adminDb();

afterAll(async () => {
  await closeAdminApp();
});

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
      .set(exportJobDoc(tenant, admin, { format: 'xml' }));

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
      .set(exportJobDoc(tenant, admin, { filter: { categories: ['NOT_A_CATEGORY'] } }));

    const finished = await waitForJob(db(), 'audit_exports', id);
    expect(finished).toMatchObject({ state: 'failed', error: { code: 'malformed_document' } });
    expect((finished.error as { message: string }).message).toContain(
      `malformed document audit_exports/${id}: filter.categories`,
    );
  });
});
