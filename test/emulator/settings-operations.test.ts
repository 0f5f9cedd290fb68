import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain/ids';
import { fails, ok, tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, pubsubClient, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForCount, waitForDoc } from '../support/ingest-paths';

// Tenant settings through `updateTenantSettings` (validated, versioned, audited with before and
// after) and the operator commands: dead-letter replay after a fix, outbox listing, ingest health.

const db = () => adminDb();

afterAll(async () => {
  await closeAdminApp();
});

describe('updateTenantSettings', () => {
  let tenant: string;
  let admin: User;
  let reviewer: User;

  beforeAll(async () => {
    requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
    tenant = uniqueTenant('settings');
    await createTenant(db(), tenant, { retentionDays: 90, anomaly: { deniedThreshold: 9 } });
    [admin, reviewer] = await Promise.all([tenantUser(db(), tenant, 'admin'), tenantUser(db(), tenant, 'reviewer')]);
  });

  it('validates, writes the changed sections and records before and after', async () => {
    const answer = await ok<{
      changed: string[];
      version: number;
      auditLogId: string;
      settings: Record<string, unknown>;
    }>(
      'updateTenantSettings',
      {
        settings: {
          retentionDays: 30,
          review: { deadlineHours: { CRITICAL: 4 } },
          classification: { overrides: [{ match: 'issue.*', level: 'WARNING' }] },
        },
      },
      admin.idToken,
    );
    expect(answer).toMatchObject({ changed: ['retentionDays', 'classification', 'review'], version: 1 });

    const stored = (await db().collection('tenants').doc(tenant).get()).data()!;
    expect(stored).toMatchObject({
      retentionDays: 30,
      review: { deadlineHours: { CRITICAL: 4, ERROR: 72, WARNING: 168, INFO: 336 } },
      classification: { overrides: [{ match: 'issue.*', level: 'WARNING' }] },
      anomaly: { deniedThreshold: 9 },
      settingsVersion: 1,
      settingsUpdatedBy: admin.uid,
    });

    const entry = await waitForDoc(db().collection('audit_logs').doc(answer.auditLogId), 'the settings audit entry');
    expect(entry).toMatchObject({
      eventType: 'config.tenant_settings.updated',
      category: 'SYSTEM_CONFIGURATION',
      actor: { type: 'user', id: admin.uid },
      resource: { type: 'tenant', id: tenant },
      changes: {
        before: { retentionDays: 90, classification: { overrides: [] } },
        after: { retentionDays: 30, classification: { overrides: [{ match: 'issue.*', level: 'WARNING' }] } },
      },
    });
    expect(entry.changedFields).toEqual(expect.arrayContaining(['retentionDays', 'review.deadlineHours.CRITICAL']));

    // The same values again change nothing and record nothing.
    const same = await ok<{ changed: string[]; version: number }>(
      'updateTenantSettings',
      { settings: { retentionDays: 30 } },
      admin.idToken,
    );
    expect(same).toMatchObject({ changed: [], version: 1 });
  });

  it('refuses non-admins and invalid settings with field-level errors', async () => {
    expect(await fails('updateTenantSettings', { settings: { retentionDays: 1 } }, reviewer.idToken)).toMatchObject({
      status: 'PERMISSION_DENIED',
    });
    const invalid = await fails(
      'updateTenantSettings',
      { settings: { retentionDays: 0, webhook: { enabled: true, url: 'http://hooks.example.com/x' } } },
      admin.idToken,
    );
    expect(invalid.code).toBe('invalid_argument');
    expect(invalid.errors?.map((e) => e.path).sort()).toEqual(['settings.retentionDays', 'settings.webhook.url']);
    expect((await db().collection('tenants').doc(tenant).get()).get('retentionDays')).toBe(30);
  });

  it('creates the webhook signing secret once, shows it once, and keeps it out of the settings', async () => {
    const first = await ok<{ webhookSecret?: string; webhookSigningKey: boolean }>(
      'updateTenantSettings',
      { settings: { webhook: { enabled: true, url: 'https://hooks.example.com/audit' } } },
      admin.idToken,
    );
    expect(first.webhookSecret).toMatch(/^whsec_/);
    const second = await ok<{ webhookSecret?: string; webhookSigningKey: boolean }>(
      'updateTenantSettings',
      { settings: { webhook: { enabled: true, url: 'https://hooks.example.com/audit2' } } },
      admin.idToken,
    );
    expect(second.webhookSecret).toBeUndefined();
    expect(second.webhookSigningKey).toBe(true);
    const view = await ok<{ settings: { webhook: unknown }; webhookSigningKey: boolean }>(
      'getTenantSettings',
      {},
      admin.idToken,
    );
    expect(view.settings.webhook).toEqual({ enabled: true, url: 'https://hooks.example.com/audit2' });
    expect(JSON.stringify(view)).not.toContain(first.webhookSecret!);

    const rotated = await ok<{ secret: string; version: number }>('rotateWebhookSecret', {}, admin.idToken);
    expect(rotated.version).toBe(2);
    expect(rotated.secret).not.toBe(first.webhookSecret);
    expect(await fails('rotateWebhookSecret', {}, reviewer.idToken)).toMatchObject({ status: 'PERMISSION_DENIED' });
  });
});

describe('operator commands', () => {
  let tenant: string;
  let admin: User;
  let otherAdmin: User;

  beforeAll(async () => {
    tenant = uniqueTenant('ops');
    const other = uniqueTenant('ops-other');
    await createTenant(db(), other);
    // The tenant's admin exists before the tenant document does: its first events are dead-lettered.
    [admin, otherAdmin] = await Promise.all([
      tenantUser(db(), tenant, 'admin', false),
      tenantUser(db(), other, 'admin', false),
    ]);
  });

  it('replays a dead letter after the fix, once, and audits the replay', async () => {
    const envelope = testEnvelope(tenant);
    const messageId = await pubsubClient()
      .topic('audit-events')
      .publishMessage({ data: Buffer.from(JSON.stringify(envelope)) });
    const deadLetterId = `pubsub-${messageId}`;
    const letter = await waitForDoc(db().collection('audit_dead_letters').doc(deadLetterId), 'the dead letter');
    expect(letter).toMatchObject({ reason: 'unknown_tenant', tenantId: tenant });

    expect(await fails('replayDeadLetter', { deadLetterId }, otherAdmin.idToken)).toMatchObject({
      status: 'NOT_FOUND',
    });
    const early = await ok<{ outcome: string; reason: string }>('replayDeadLetter', { deadLetterId }, admin.idToken);
    expect(early).toMatchObject({ outcome: 'rejected', reason: 'unknown_tenant' });
    expect((await db().collection('audit_dead_letters').doc(deadLetterId).get()).get('replayAttempts')).toBe(1);

    await createTenant(db(), tenant); // the fix
    const replayed = await ok<{ outcome: string; logId: string; auditLogId: string }>(
      'replayDeadLetter',
      { deadLetterId },
      admin.idToken,
    );
    expect(replayed.outcome).toBe('stored');
    expect(replayed.logId).toBe(logIdFor(tenant, envelope.source as string, envelope.eventId as string));
    expect((await db().collection('audit_logs').doc(replayed.logId).get()).get('eventId')).toBe(envelope.eventId);
    expect((await db().collection('audit_dead_letters').doc(deadLetterId).get()).data()).toMatchObject({
      status: 'replayed',
      replayAttempts: 2,
      replayLogId: replayed.logId,
      replayedBy: { uid: admin.uid },
    });
    const audit = await waitForDoc(db().collection('audit_logs').doc(replayed.auditLogId), 'the replay audit entry');
    expect(audit).toMatchObject({
      eventType: 'audit.dead_letter.replayed',
      resource: { type: 'dead_letter', id: deadLetterId },
      metadata: { replayedLogId: replayed.logId, result: 'stored' },
    });
    expect(await fails('replayDeadLetter', { deadLetterId }, admin.idToken)).toMatchObject({
      code: 'already_replayed',
    });
  });

  it('lists failed outbox documents and reports ingest health from count queries', async () => {
    await createTenant(db(), tenant);
    await db()
      .collection('audit_outbox')
      .doc(`${tenant}-bad`)
      .set({ ...testEnvelope(tenant), occurredAt: 'yesterday' });
    await Promise.all([1, 2, 3].map(() => publishEnvelope(testEnvelope(tenant))));
    await waitForCount(
      db().collection('audit_logs').where('tenantId', '==', tenant).where('source', '==', 'repo-service'),
      4,
      'stored events',
    );

    const failed = await waitFor(
      () =>
        ok<{ items: Array<{ id: string; failure?: { reason: string } }> }>(
          'listOutbox',
          { status: 'failed' },
          admin.idToken,
        ),
      (r) => r.items.some((i) => i.id === `${tenant}-bad`),
      { what: 'the failed outbox document to be listed' },
    );
    expect(failed.items.find((i) => i.id === `${tenant}-bad`)?.failure?.reason).toBe('schema_violation');
    expect(await fails('listOutbox', { tenantId: tenant }, otherAdmin.idToken)).toMatchObject({
      status: 'PERMISSION_DENIED',
    });

    const health = await ok<Record<string, unknown>>('ingestHealth', { windowMinutes: 60 }, admin.idToken);
    // At least ours: the admin's first sign-ins, audited before the tenant existed, failed too.
    expect(health).toMatchObject({ tenantId: tenant, windowMinutes: 60, status: 'degraded' });
    expect(health.outboxFailed as number).toBeGreaterThanOrEqual(1);
    expect(health.stored as number).toBeGreaterThanOrEqual(4);
    expect(health.deadLettered as number).toBeGreaterThanOrEqual(2);
    expect(health.deadLetterRate as number).toBeGreaterThan(0);
    expect(await fails('ingestHealth', { tenantId: tenant }, otherAdmin.idToken)).toMatchObject({
      status: 'PERMISSION_DENIED',
    });
  });
});
