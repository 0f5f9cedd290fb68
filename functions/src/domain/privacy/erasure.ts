import { z } from 'zod';
import { assertCommand } from '../commands/errors';
import { noteSchema } from '../commands/input';
import { requireTenantRole, userActor, type Caller, type Role, type TenantMember } from '../commands/access';

/**
 * Erasure of a data subject (GDPR art. 17) by crypto-shredding: a compliance officer requests it,
 * a different person (compliance or admin) approves it, the subject's data key is destroyed.
 * Entries are never touched: their sealed values become unreadable on every surface, their hashes
 * and the checkpoints still verify. Each step is a COMPLIANCE entry (`audit.privacy.*`).
 */

/** Who may request an erasure: the tenant's compliance officers. */
export const ERASURE_REQUEST_ROLES = ['compliance'] as const satisfies readonly Role[];
/** Who may approve one: another compliance officer, or an admin. */
export const ERASURE_APPROVE_ROLES = ['compliance', 'admin'] as const satisfies readonly Role[];

/** Source of the erasure's audit entries (reserved: `audit-*`). */
export const PRIVACY_AUDIT_SOURCE = 'audit-privacy';
export const ERASURE_EVENTS = {
  requested: 'audit.privacy.erasure_requested',
  approved: 'audit.privacy.erasure_approved',
  executed: 'audit.privacy.erasure_executed',
} as const;
export type ErasureStep = keyof typeof ERASURE_EVENTS;

/** `requestErasure`: the subject (an actor id of the tenant's entries) and why. */
export const requestErasureInputSchema = z.strictObject({
  subject: z
    .string('must be a string')
    .min(1, 'must not be empty')
    .max(256, 'must be at most 256 characters')
    .refine((s) => s === s.trim(), 'must not start or end with white space'),
  reason: noteSchema,
});
export type RequestErasureInput = z.infer<typeof requestErasureInputSchema>;

/** `approveErasure`: the request to approve (and so execute). */
export const approveErasureInputSchema = z.strictObject({
  erasureId: z.string('must be a string').regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an erasure id'),
});

/**
 * An erasure request, `audit_erasures/{erasureId}` (server only). The clear subject id is kept
 * only until the key is destroyed; afterwards the record names the subject by its reference.
 */
export interface ErasureRecord {
  tenantId: string;
  status: 'requested' | 'approved' | 'executed';
  subject?: string;
  subjectRef: string;
  reason: string;
  requestedBy: { uid: string; email?: string };
  approvedBy?: { uid: string; email?: string };
}

/** Requires a compliance officer of a tenant for a new request. */
export function requireErasureRequester(caller: Caller): TenantMember {
  return requireTenantRole(caller, ERASURE_REQUEST_ROLES, 'request the erasure of a data subject');
}

/**
 * The two-person rule of erasure: the approver is a compliance officer or admin of the same
 * tenant and not the requester. A request already approved may be approved again to finish an
 * execution that failed half-way (the key destroyed, the record not yet updated), by the same
 * rule; an executed one is closed.
 */
export function checkErasureApproval(record: ErasureRecord | undefined, caller: Caller): TenantMember {
  const approver = requireTenantRole(caller, ERASURE_APPROVE_ROLES, 'approve the erasure of a data subject');
  assertCommand(record && record.tenantId === approver.tenantId, 'not_found', 'no such erasure request');
  assertCommand(record.status !== 'executed', 'invalid_transition', 'the erasure was already executed');
  assertCommand(
    record.requestedBy.uid !== approver.uid,
    'two_person_rule',
    'the erasure must be approved by a different person than the one who requested it',
  );
  return approver;
}

/**
 * The audit envelope of one step. The subject appears only as its reference, so the log of an
 * erasure does not keep the identifier it erased; the event id is fixed by request and step.
 */
export function erasureEnvelope(input: {
  step: ErasureStep;
  tenantId: string;
  erasureId: string;
  subjectRef: string;
  member: { uid: string; email?: string | undefined };
  occurredAt: string;
  reason?: string;
  keyDestroyed?: boolean;
  /** Dead letters of the subject removed (refused input keeps its payload in clear). */
  deadLettersPurged?: number;
}): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: `erasure-${input.erasureId}-${input.step}`,
    eventType: ERASURE_EVENTS[input.step],
    tenantId: input.tenantId,
    occurredAt: input.occurredAt,
    source: PRIVACY_AUDIT_SOURCE,
    actor: userActor(input.member),
    resource: { type: 'data_subject', id: input.subjectRef },
    operation: input.step === 'executed' ? 'DELETE' : 'EXECUTE',
    metadata: {
      erasureId: input.erasureId,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      ...(input.keyDestroyed !== undefined ? { keyDestroyed: input.keyDestroyed } : {}),
      ...(input.deadLettersPurged !== undefined ? { deadLettersPurged: input.deadLettersPurged } : {}),
    },
  };
}

/** `revealEntries`: the log ids of the page a console reader sees (at most 100). */
export const revealEntriesInputSchema = z.strictObject({
  logIds: z
    .array(z.string('must be a string').regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a log id'))
    .min(1, 'must name at least one entry')
    .max(100, 'must name at most 100 entries'),
});
