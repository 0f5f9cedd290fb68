import { describe, expect, it } from 'vitest';
import { canReadAudit, claimsFrom, navFor } from './roles';

describe('roles', () => {
  it('reads claims defensively', () => {
    expect(claimsFrom({ tenantId: 't1', role: 'admin' })).toEqual({
      tenantId: 't1',
      role: 'admin',
      platformAdmin: false,
    });
    expect(claimsFrom({ tenantId: 7, role: 'root', platformAdmin: 'yes' })).toEqual({
      tenantId: null,
      role: null,
      platformAdmin: false,
    });
  });

  it('lets the four reading roles in and keeps members out', () => {
    for (const role of ['admin', 'auditor', 'reviewer', 'compliance']) {
      expect(canReadAudit(claimsFrom({ tenantId: 't1', role }))).toBe(true);
    }
    expect(canReadAudit(claimsFrom({ tenantId: 't1', role: 'member' }))).toBe(false);
    expect(canReadAudit(claimsFrom({ role: 'admin' }))).toBe(false);
    expect(canReadAudit(claimsFrom({ platformAdmin: true }))).toBe(true);
  });

  it('adapts navigation to the role', () => {
    const labels = (raw: Record<string, unknown>) => navFor(claimsFrom(raw)).map((i) => i.label);
    expect(labels({ tenantId: 't1', role: 'admin' })).toContain('Pending review');
    expect(labels({ tenantId: 't1', role: 'reviewer' })).toContain('Pending review');
    expect(labels({ tenantId: 't1', role: 'auditor' })).not.toContain('Pending review');
    expect(labels({ tenantId: 't1', role: 'auditor' })).toContain('Critical events');
    expect(labels({ tenantId: 't1', role: 'member' })).toEqual([]);
    // Every role that reads audit data may check the checkpoint chain.
    for (const role of ['admin', 'auditor', 'reviewer', 'compliance'])
      expect(labels({ tenantId: 't1', role })).toContain('Integrity');
  });
});
