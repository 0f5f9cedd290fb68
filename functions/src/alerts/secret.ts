import type { CallableOutput } from '@audit-log/model/callables';
import { randomBytes } from 'node:crypto';
import { Timestamp, type Firestore, type Transaction } from 'firebase-admin/firestore';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { stageAuditEvent } from '../commands/audit';
import { requestCaller, runCallable } from '../commands/callable';
import { logIdFor } from '../domain';
import { webhookSecretFrom } from '../domain/alerts';
import { CommandError, requireTenantRole, userActor, type TenantMember } from '../domain/commands';
import { SETTINGS_AUDIT_SOURCE } from '../domain/settings';
import { firestore } from '../firebase';
import { COLLECTIONS } from '../store/collections';
import { webhookSecretRef } from './collections';

/**
 * The webhook signing secret of a tenant lives in `tenants/{t}/secrets/webhook`, which no client
 * can read. It is shown once: when it is created (by `rotateWebhookSecret`, or by
 * `updateTenantSettings` when a webhook is first enabled) and never again.
 */

/** Stages a new secret in a transaction (after its reads); returns the plaintext to show once. */
export function stageNewSecret(
  tx: Transaction,
  db: Firestore,
  admin: TenantMember,
  version: number,
  now: Date,
): { secret: string; auditLogId: string } {
  const secret = webhookSecretFrom(randomBytes(32));
  tx.set(webhookSecretRef(db, admin.tenantId), {
    secret,
    version,
    createdAt: Timestamp.fromDate(now),
    createdBy: admin.uid,
  });
  const envelope = {
    specVersion: '1.0',
    eventId: `webhook-signing-key-${version}`,
    eventType: 'config.webhook_signing_key.rotated',
    tenantId: admin.tenantId,
    occurredAt: now.toISOString(),
    source: SETTINGS_AUDIT_SOURCE,
    actor: userActor(admin),
    resource: { type: 'webhook_signing_key', id: `${admin.tenantId}-webhook` },
    operation: version === 1 ? 'CREATE' : 'UPDATE',
    outcome: 'success',
    ...(version === 1
      ? { changes: { before: null, after: { version } } }
      : { changes: { before: { version: version - 1 }, after: { version } } }),
  };
  return { secret, auditLogId: stageAuditEvent(tx, db, envelope) };
}

/** `rotateWebhookSecret` (tenant admins): replaces the signing secret; the old one stops working at once. */
export function handleRotateWebhookSecret(request: CallableRequest): Promise<CallableOutput<'rotateWebhookSecret'>> {
  return runCallable('rotateWebhookSecret', async () => {
    const admin = requireTenantRole(requestCaller(request), ['admin'], 'rotate the webhook signing secret');
    const db = firestore();
    return db.runTransaction(async (tx) => {
      const [tenant, current] = await Promise.all([
        tx.get(db.collection(COLLECTIONS.tenants).doc(admin.tenantId)),
        tx.get(webhookSecretRef(db, admin.tenantId)),
      ]);
      if (!tenant.exists) throw new CommandError('tenant_not_found', `tenant ${admin.tenantId} does not exist`);
      const version = ((current.get('version') as number | undefined) ?? 0) + 1;
      const { secret, auditLogId } = stageNewSecret(tx, db, admin, version, new Date());
      return { secret, version, auditLogId };
    });
  });
}

/** The log id the rotation's audit entry gets (for tests and links). */
export function secretAuditLogId(tenantId: string, version: number): string {
  return logIdFor(tenantId, SETTINGS_AUDIT_SOURCE, `webhook-signing-key-${version}`);
}
