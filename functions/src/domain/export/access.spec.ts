import { describe, expect, it } from 'vitest';
import { exportRequester, reportRequester, type ExportCaller } from './access';
import { ExportError } from './errors';

const caller = (token: Record<string, unknown>): ExportCaller => ({ uid: 'u-1', token });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ExportError) return err.code;
    throw err;
  }
  return undefined;
}

describe('exportRequester', () => {
  it('allows admin, auditor and compliance of their own tenant', () => {
    for (const role of ['admin', 'auditor', 'compliance']) {
      expect(exportRequester(caller({ tenantId: 'acme', role, email: 'a@example.com' }))).toEqual({
        tenantId: 'acme',
        uid: 'u-1',
        role,
        email: 'a@example.com',
      });
    }
  });

  it('refuses reviewers, members, platform admins without a tenant role and anonymous callers', () => {
    expect(codeOf(() => exportRequester(caller({ tenantId: 'acme', role: 'reviewer' })))).toBe('permission_denied');
    expect(codeOf(() => exportRequester(caller({ tenantId: 'acme', role: 'member' })))).toBe('permission_denied');
    expect(codeOf(() => exportRequester(caller({ platformAdmin: true })))).toBe('permission_denied');
    expect(codeOf(() => exportRequester(caller({ role: 'admin' })))).toBe('permission_denied');
    expect(codeOf(() => exportRequester(undefined))).toBe('unauthenticated');
  });
});

describe('reportRequester', () => {
  it('allows admin and compliance only', () => {
    expect(reportRequester(caller({ tenantId: 'acme', role: 'compliance' })).tenantId).toBe('acme');
    expect(reportRequester(caller({ tenantId: 'acme', role: 'admin' })).role).toBe('admin');
    expect(codeOf(() => reportRequester(caller({ tenantId: 'acme', role: 'auditor' })))).toBe('permission_denied');
  });
});
