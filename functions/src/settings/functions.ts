import type { CallableOutput } from '@audit-log/model/callables';
import { Timestamp } from 'firebase-admin/firestore';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { webhookSecretRef } from '../alerts/collections';
import { stageNewSecret } from '../alerts/secret';
import { defaultDeliveryNetwork } from '../alerts/webhook-transport';
import { stageAuditEvent } from '../commands/audit';
import { COMMAND_OPTIONS, requestCaller, runCallable } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { settingsUpdated } from '../commands/logs';
import { webhookUrlProblem } from '../domain/alerts';
import { CommandError, operatorTenant, parseCommand, requireTenantRole } from '../domain/commands';
import {
  applySettingsUpdate,
  settingsChangedEnvelope,
  settingsView,
  getTenantSettingsInputSchema,
  updateTenantSettingsInputSchema,
} from '../domain/settings';
import { firestore } from '../firebase';
import { COLLECTIONS } from '../store/collections';

type UpdatedSettings = CallableOutput<'updateTenantSettings'>;

/** The schema accepts loopback URLs for local development; only the emulators may keep them. */
function refuseLocalWebhook(url: string | undefined): void {
  const problem = url === undefined ? null : webhookUrlProblem(url, defaultDeliveryNetwork());
  if (problem) {
    throw new CommandError('invalid_argument', 'the request data breaks a rule', [
      { path: 'settings.webhook.url', message: problem },
    ]);
  }
}

/**
 * `updateTenantSettings` (tenant admins): `{settings: {<section>: <value>, ...}}`. Validated
 * with the domain schema; the changed sections, the version and the audit event (before and
 * after of each changed section) are written in one transaction, so no change is ever
 * unaudited and two admins saving at once cannot lose each other's sections silently.
 */
export function handleUpdateTenantSettings(request: CallableRequest): Promise<UpdatedSettings> {
  return runCallable('updateTenantSettings', async () => {
    const admin = requireTenantRole(requestCaller(request), ['admin'], 'change tenant settings');
    const { settings: update } = parseCommand(updateTenantSettingsInputSchema, request.data);
    refuseLocalWebhook(update.webhook?.url);
    const db = firestore();
    const ref = db.collection(COLLECTIONS.tenants).doc(admin.tenantId);
    const answer = await db.runTransaction(async (tx): Promise<UpdatedSettings> => {
      const [tenant, secret] = await Promise.all([tx.get(ref), tx.get(webhookSecretRef(db, admin.tenantId))]);
      if (!tenant.exists) throw new CommandError('tenant_not_found', `tenant ${admin.tenantId} does not exist`);
      const data = tenant.data() ?? {};
      const change = applySettingsUpdate(data, update);
      const current = (data.settingsVersion as number | undefined) ?? 0;
      const base = {
        tenantId: admin.tenantId,
        settings: change.after,
        problems: [],
        changed: change.changed,
        webhookSigningKey: secret.exists,
      };
      if (change.changed.length === 0) return { ...base, version: current };

      const now = new Date();
      const version = current + 1;
      tx.update(ref, {
        ...change.writes,
        settingsVersion: version,
        settingsUpdatedAt: Timestamp.fromDate(now),
        settingsUpdatedBy: admin.uid,
      });
      const auditLogId = stageAuditEvent(
        tx,
        db,
        settingsChangedEnvelope({ tenantId: admin.tenantId, admin, change, version, occurredAt: now.toISOString() }),
      );
      const needsSecret = change.after.webhook.enabled && !secret.exists;
      const created = needsSecret ? stageNewSecret(tx, db, admin, 1, now) : undefined;
      return {
        ...base,
        version,
        auditLogId,
        webhookSigningKey: base.webhookSigningKey || needsSecret,
        ...(created ? { webhookSecret: created.secret } : {}),
      };
    });
    if (answer.changed.length > 0) settingsUpdated(admin.tenantId, answer.changed, answer.version);
    return answer;
  });
}

/** `getTenantSettings`: the settings with defaults filled in (tenant admins; platform admins with `tenantId`). */
export function handleGetTenantSettings(request: CallableRequest): Promise<CallableOutput<'getTenantSettings'>> {
  return runCallable('getTenantSettings', async () => {
    const caller = requestCaller(request);
    const { tenantId: requested } = parseCommand(getTenantSettingsInputSchema, request.data);
    const tenantId = operatorTenant(caller, requested);
    if (tenantId === null)
      throw new CommandError('invalid_argument', 'name the tenant', [{ path: 'tenantId', message: 'is required' }]);
    const db = firestore();
    const [tenant, secret] = await Promise.all([
      db.collection(COLLECTIONS.tenants).doc(tenantId).get(),
      webhookSecretRef(db, tenantId).get(),
    ]);
    if (!tenant.exists) throw new CommandError('tenant_not_found', `tenant ${tenantId} does not exist`);
    const { settings, problems } = settingsView(tenant.data());
    return {
      tenantId,
      settings,
      problems,
      version: (tenant.get('settingsVersion') as number | undefined) ?? 0,
      webhookSigningKey: secret.exists,
    };
  });
}

export const updateTenantSettings = onCall(COMMAND_OPTIONS, withFreshToken(handleUpdateTenantSettings));
export const getTenantSettings = onCall(COMMAND_OPTIONS, withFreshToken(handleGetTenantSettings));
