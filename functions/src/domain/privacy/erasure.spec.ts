import { describe, expect, it } from 'vitest';
import { CommandError } from '../commands/errors';
import type { Caller } from '../commands/access';
import { classify } from '../classify';
import { DEFAULT_TENANT_SETTINGS } from '../tenant';
import { validateEnvelope } from '../validate';
import {
  checkErasureApproval,
  erasureEnvelope,
  requestErasureInputSchema,
  requireErasureRequester,
  type ErasureRecord,
} from './erasure';

const caller = (uid: string, role: Caller['role'], tenantId: string | null = 'acme'): Caller => ({
  uid,
  tenantId,
  role,
  platformAdmin: false,
});

const REQUEST: ErasureRecord = {
  tenantId: 'acme',
  status: 'requested',
  subject: 'u-42',
  subjectRef: 'ref',
  reason: 'art. 17 request',
  requestedBy: { uid: 'officer-1' },
};

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof CommandError) return err.code;
    throw err;
  }
  return undefined;
}

describe('erasure: request and the two-person rule', () => {
  it('lets only compliance officers request', () => {
    expect(requireErasureRequester(caller('officer-1', 'compliance')).tenantId).toBe('acme');
    for (const role of ['admin', 'auditor', 'reviewer', 'member'] as const) {
      expect(codeOf(() => requireErasureRequester(caller('x', role)))).toBe('permission_denied');
    }
    expect(codeOf(() => requireErasureRequester({ ...caller('p', null, null), platformAdmin: true }))).toBe(
      'permission_denied',
    );
  });

  it('refuses the requester as approver, whatever their role', () => {
    expect(codeOf(() => checkErasureApproval(REQUEST, caller('officer-1', 'compliance')))).toBe('two_person_rule');
    expect(codeOf(() => checkErasureApproval(REQUEST, caller('officer-1', 'admin')))).toBe('two_person_rule');
  });

  it('accepts a different compliance officer or admin of the same tenant', () => {
    expect(checkErasureApproval(REQUEST, caller('officer-2', 'compliance')).uid).toBe('officer-2');
    expect(checkErasureApproval(REQUEST, caller('admin-1', 'admin')).uid).toBe('admin-1');
    expect(checkErasureApproval({ ...REQUEST, status: 'approved' }, caller('admin-1', 'admin')).uid).toBe('admin-1');
  });

  it('refuses other roles, other tenants, missing and executed requests', () => {
    expect(codeOf(() => checkErasureApproval(REQUEST, caller('a', 'auditor')))).toBe('permission_denied');
    expect(codeOf(() => checkErasureApproval(REQUEST, caller('b', 'compliance', 'globex')))).toBe('not_found');
    expect(codeOf(() => checkErasureApproval(undefined, caller('b', 'compliance')))).toBe('not_found');
    expect(codeOf(() => checkErasureApproval({ ...REQUEST, status: 'executed' }, caller('b', 'admin')))).toBe(
      'invalid_transition',
    );
  });

  it('gives field-level errors for a bad request', () => {
    const parsed = requestErasureInputSchema.safeParse({ subject: ' u-1', reason: 'x' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['reason', 'subject']);
  });

  it('records each step as a valid COMPLIANCE entry that names the subject only by reference', () => {
    for (const step of ['requested', 'approved', 'executed'] as const) {
      const envelope = erasureEnvelope({
        step,
        tenantId: 'acme',
        erasureId: 'e1',
        subjectRef: 'ref',
        member: { uid: 'officer-1' },
        occurredAt: '2026-01-31T11:00:00.000Z',
      });
      const valid = validateEnvelope(envelope, new Date('2026-01-31T12:00:00.000Z'));
      expect(JSON.stringify(valid)).not.toContain('u-42');
      const { category } = classify(
        { eventType: valid.eventType, outcome: valid.outcome, operation: valid.operation, changedFields: [] },
        DEFAULT_TENANT_SETTINGS.classification,
      );
      expect(category).toBe('COMPLIANCE');
    }
  });
});
