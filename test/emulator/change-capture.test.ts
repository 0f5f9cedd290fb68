import { FieldValue, GeoPoint, Timestamp, type DocumentData } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCapturedWrite } from '../../functions/src/capture/capture';
import { CAPTURE_SOURCE } from '../../functions/src/domain/capture';
import { DEFAULT_CAPTURE_TARGETS } from '../../functions/src/domain/capture-config';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { createTenant, testEnvelope, waitForCount, waitForGone } from '../support/ingest-paths';

// Change capture end to end: writes to the watched business collections reach audit_logs through
// the deployed capture triggers with correct before/after/changedFields, and the audit system's
// own collections are never captured.

const db = () => adminDb();
let tenant: string;

beforeAll(async () => {
  requireEmulators('FIRESTORE', 'PUBSUB');
  tenant = uniqueTenant('capture');
  await createTenant(db(), tenant);
});

afterAll(async () => {
  await closeAdminApp();
});

function captured(eventType: string, resourceId: string) {
  return db()
    .collection('audit_logs')
    .where('tenantId', '==', tenant)
    .where('source', '==', CAPTURE_SOURCE)
    .where('eventType', '==', eventType)
    .where('resource.id', '==', resourceId);
}

async function one(eventType: string, resourceId: string): Promise<DocumentData> {
  const [entry] = await waitForCount(captured(eventType, resourceId), 1, `${eventType} of ${resourceId} captured`);
  return entry!;
}

describe('change capture of watched collections', () => {
  it('captures a create with before null and Firestore values made JSON-safe', async () => {
    await db()
      .doc(`tenants/${tenant}/repos/r-create`)
      .set({
        name: 'api',
        visibility: 'private',
        createdBy: 'u-ann',
        createdAt: Timestamp.fromMillis(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
        office: new GeoPoint(1.5, 2.5),
        owner: db().doc(`tenants/${tenant}/members/u-ann`),
        settings: { wiki: true },
      });
    const entry = await one('data.repository.created', 'r-create');
    expect(entry).toMatchObject({
      category: 'DATA_MODIFICATION',
      level: 'INFO',
      operation: 'CREATE',
      actor: { type: 'user', id: 'u-ann' },
      resource: { type: 'repository', id: 'r-create', name: 'api', path: `tenants/${tenant}/repos/r-create` },
      changes: {
        before: null,
        after: {
          createdAt: '2026-01-02T03:04:05.678Z',
          office: { latitude: 1.5, longitude: 2.5 },
          owner: `tenants/${tenant}/members/u-ann`,
        },
      },
      metadata: { capture: { target: 'repos', actorField: 'createdBy' } },
    });
    expect(entry.changedFields).toEqual([
      'createdAt',
      'createdBy',
      'name',
      'office.latitude',
      'office.longitude',
      'owner',
      'settings.wiki',
      'visibility',
    ]);
  });

  it('captures a nested update with deep changed fields and the updatedBy actor', async () => {
    const ref = db().doc(`tenants/${tenant}/repos/r-update`);
    await ref.set({ name: 'web', settings: { merge: { squash: true, rebase: true }, wiki: true }, updatedBy: 'u-ann' });
    await one('data.repository.created', 'r-update');
    await ref.update({ 'settings.merge.squash': false, updatedBy: 'u-bob' });

    const entry = await one('data.repository.updated', 'r-update');
    expect(entry).toMatchObject({
      operation: 'UPDATE',
      actor: { type: 'user', id: 'u-bob' },
      changes: {
        before: { settings: { merge: { squash: true, rebase: true } }, updatedBy: 'u-ann' },
        after: { settings: { merge: { squash: false, rebase: true } }, updatedBy: 'u-bob' },
      },
    });
    expect(entry.changedFields).toEqual(['settings.merge.squash', 'updatedBy']);
  });

  it('captures a delete with after null, attributed by a deletedBy tombstone', async () => {
    const ref = db().doc(`tenants/${tenant}/issues/i-1`);
    await ref.set({ title: 'Broken build', state: 'open', createdBy: 'u-ann' });
    await one('data.issue.created', 'i-1');
    await ref.update({ deletedBy: 'u-carl' });
    await one('data.issue.updated', 'i-1');
    await ref.delete();

    const entry = await one('data.issue.deleted', 'i-1');
    expect(entry).toMatchObject({
      operation: 'DELETE',
      actor: { type: 'user', id: 'u-carl' },
      resource: { type: 'issue', id: 'i-1', name: 'Broken build' },
      changes: { before: { title: 'Broken build', state: 'open', deletedBy: 'u-carl' }, after: null },
      metadata: { capture: { actorField: 'deletedBy' } },
    });
    expect(entry.changedFields).toEqual(['createdBy', 'deletedBy', 'state', 'title']);
  });

  it('classifies membership and settings changes, raising a promotion to admin to CRITICAL', async () => {
    const member = db().doc(`tenants/${tenant}/members/u-dan`);
    await member.set({ role: 'member', updatedBy: 'u-ann' });
    await one('permission.member.created', 'u-dan');
    await member.update({ role: 'admin', updatedBy: 'u-ann' });
    expect(await one('permission.member.updated', 'u-dan')).toMatchObject({
      category: 'AUTHORIZATION',
      level: 'CRITICAL',
      requiresReview: true,
      changedFields: ['role'],
    });

    await db().doc(`tenants/${tenant}/settings/general`).set({ defaultVisibility: 'private' });
    expect(await one('config.settings.created', 'general')).toMatchObject({
      category: 'SYSTEM_CONFIGURATION',
      actor: { type: 'system', id: CAPTURE_SOURCE },
    });

    await db().doc(`tenants/${tenant}/pulls/pr-7`).set({ title: 'Fix', updatedBy: 'u-ann' });
    expect(await one('data.pull_request.created', 'pr-7')).toMatchObject({ resource: { type: 'pull_request' } });
  });

  it('stores a redelivered write once', async () => {
    const ref = db().doc(`tenants/${tenant}/repos/r-redeliver`);
    await ref.set({ name: 'cli', updatedBy: 'u-ann' });
    await one('data.repository.created', 'r-redeliver');
    const before = await db().doc(`tenants/${tenant}/repos/does-not-exist`).get();
    const after = await ref.get();
    // The same Firestore event delivered twice, as the retrying trigger would see it.
    const event = {
      id: `redelivery-${tenant}`,
      time: new Date().toISOString(),
      document: ref.path,
      params: { tenantId: tenant, docId: ref.id },
      data: { before, after },
    } as unknown as Parameters<typeof handleCapturedWrite>[1];
    const target = DEFAULT_CAPTURE_TARGETS[0]!;
    expect(await handleCapturedWrite(target, event)).toMatchObject({ status: 'stored' });
    expect(await handleCapturedWrite(target, event)).toMatchObject({ status: 'duplicate' });
    expect((await captured('data.repository.created', 'r-redeliver').get()).size).toBe(2);
  });

  it('never captures the audit system’s own collections', async () => {
    // Writes the audit system makes for this tenant: an outbox event (stored, then deleted),
    // a notification and an audit-prefixed subcollection of the tenant.
    const outbox = db().collection('audit_outbox').doc();
    await outbox.set(testEnvelope(tenant, { resource: { type: 'repository', id: 'r-marker-outbox' } }));
    await db()
      .collection('notifications')
      .add({ tenantId: tenant, recipientUid: 'u-ann', createdAt: FieldValue.serverTimestamp() });
    await db().doc(`tenants/${tenant}/audit_notes/n1`).set({ text: 'not business data', updatedBy: 'u-ann' });
    await waitForGone(outbox, 'outbox processed');
    // A watched write after them: once it is captured, everything written before has been seen.
    await db().doc(`tenants/${tenant}/repos/r-marker`).set({ name: 'marker', updatedBy: 'u-ann' });
    await one('data.repository.created', 'r-marker');

    const all = await db()
      .collection('audit_logs')
      .where('tenantId', '==', tenant)
      .where('source', '==', CAPTURE_SOURCE)
      .get();
    const paths = all.docs.map((d) => String(d.get('resource.path')));
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) {
      expect(p.startsWith(`tenants/${tenant}/`)).toBe(true);
      expect(p).not.toMatch(/(^|\/)(audit_[^/]*|notifications)\//);
    }
  });
});
