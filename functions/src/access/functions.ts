import type { CallableOutput } from '@audit-log/model/callables';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { randomBytes } from 'node:crypto';
import { COMMAND_OPTIONS, requestCaller, runCallable } from '../commands/callable';
import { consoleAccessEvent, parseRecordAccess, withAddressesAsTokens } from '../domain/access';
import { tenantBlindIndex } from '../privacy/data-keys';
import { assertCommand } from '../domain/commands';
import { mayReadTenantAudit } from '../domain/integrity/entry-proof';
import { recordRead, recordedRead } from './record';

/**
 * `recordAccess`: the console reads `audit_logs` straight from Firestore (the rules decide what it
 * may read), so it reports each distinct query and each entry it opens here, and the read becomes
 * one `audit.log.searched` / `audit.entry.viewed` entry of the tenant read. Only a reader of that
 * tenant (or a platform admin) may report, so nobody fills another tenant's log. No revocation
 * check: recording a read of a revoked token is exactly what should happen.
 */
export function handleRecordAccess(request: CallableRequest): Promise<CallableOutput<'recordAccess'>> {
  return runCallable('recordAccess', async () => {
    const caller = requestCaller(request);
    // A searched address is recorded by its blind token (docs/privacy.md), never in clear.
    const parsed = parseRecordAccess(request.data);
    const input = withAddressesAsTokens(parsed, tenantBlindIndex(parsed.tenantId));
    assertCommand(
      mayReadTenantAudit(caller, input.tenantId),
      'permission_denied',
      'only readers of a tenant record reads of its audit log',
    );
    const readId = input.requestId ?? randomBytes(12).toString('hex');
    const envelope = consoleAccessEvent({
      reader: { uid: caller.uid, email: caller.email, platformAdmin: caller.platformAdmin },
      tenantId: input.tenantId,
      request: input,
      readId,
      occurredAt: new Date().toISOString(),
    });
    // A retried report (same reader, same request id), or the report of a query whose archive
    // page was recorded first, finds its entry and records nothing more: storing it again would
    // be a conflicting duplicate.
    if (input.requestId !== undefined || input.archive !== undefined) {
      const auditLogId = await recordedRead(input.tenantId, String(envelope.eventId));
      if (auditLogId !== null) return { auditLogId, duplicate: true };
    }
    const recorded = await recordRead(envelope, `access-${input.tenantId}-${readId}`);
    return { auditLogId: recorded.logId, duplicate: recorded.duplicate };
  });
}

export const recordAccess = onCall(COMMAND_OPTIONS, handleRecordAccess);
