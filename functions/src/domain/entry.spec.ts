import { describe, expect, it } from 'vitest';
import {
  canonicalEntry,
  entryHash,
  HASHED_FIELDS,
  normalizeInstant,
  sameEvent,
  type AuditEntry,
  type HashedEntry,
} from './entry';

// Golden entry vectors. The canonical texts were written by hand from the rules in canonical.ts
// (keys sorted by UTF-16 code unit at every depth, no white space, undefined members left out)
// over HASHED_FIELDS only; the digests come from `printf '%s' '<canonical>' | sha256sum`.
const VISIBILITY_ENTRY: AuditEntry = {
  logId: 'f4e790c33a1c85df51c06de7fa0e9bff',
  specVersion: '1.0',
  eventId: 'evt-0001',
  eventType: 'repo.visibility_changed',
  tenantId: 'acme',
  occurredAt: '2026-01-31T12:00:00.000Z',
  source: 'repo-service',
  sequence: 42,
  actor: { type: 'user', id: 'u-1', email: 'dev@acme.test' },
  resource: { type: 'repository', id: 'r-9', name: 'api' },
  operation: 'UPDATE',
  outcome: 'success',
  changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
  context: { correlationId: 'corr-1' },
  category: 'SYSTEM_CONFIGURATION',
  level: 'CRITICAL',
  requiresReview: true,
  changedFields: ['visibility'],
  redactions: [],
  searchTokens: ['repo', 'visibility_changed'],
  hash: 'not part of the hash',
};
const VISIBILITY_CANONICAL =
  '{"actor":{"email":"dev@acme.test","id":"u-1","type":"user"},"category":"SYSTEM_CONFIGURATION",' +
  '"changedFields":["visibility"],"changes":{"after":{"visibility":"public"},"before":{"visibility":"private"}},' +
  '"context":{"correlationId":"corr-1"},"eventId":"evt-0001","eventType":"repo.visibility_changed",' +
  '"level":"CRITICAL","occurredAt":"2026-01-31T12:00:00.000Z","operation":"UPDATE","outcome":"success",' +
  '"redactions":[],"requiresReview":true,"resource":{"id":"r-9","name":"api","type":"repository"},' +
  '"sequence":42,"source":"repo-service","specVersion":"1.0","tenantId":"acme"}';
const VISIBILITY_SHA256 = 'e4de912dd1aec7f2af67239fd61f748c2e358e0ee6efee1cf43c5e447267bde0';

// No resource, sequence, changes or context: absent optional fields leave no trace in the text.
const FAILED_LOGIN_ENTRY: HashedEntry = {
  specVersion: '1.0',
  eventId: 'login-7',
  eventType: 'auth.login.failed',
  tenantId: 't_2',
  occurredAt: '2026-02-01T08:30:15.250Z',
  source: 'auth',
  actor: { type: 'anonymous', ip: '203.0.113.7' },
  operation: 'EXECUTE',
  outcome: 'failure',
  metadata: { password: '[REDACTED]', attempt: 3, reason: 'bad password' },
  category: 'AUTHENTICATION',
  level: 'WARNING',
  requiresReview: false,
  changedFields: [],
  redactions: ['metadata.password'],
};
const FAILED_LOGIN_CANONICAL =
  '{"actor":{"ip":"203.0.113.7","type":"anonymous"},"category":"AUTHENTICATION","changedFields":[],' +
  '"eventId":"login-7","eventType":"auth.login.failed","level":"WARNING",' +
  '"metadata":{"attempt":3,"password":"[REDACTED]","reason":"bad password"},' +
  '"occurredAt":"2026-02-01T08:30:15.250Z","operation":"EXECUTE","outcome":"failure",' +
  '"redactions":["metadata.password"],"requiresReview":false,"source":"auth","specVersion":"1.0","tenantId":"t_2"}';
const FAILED_LOGIN_SHA256 = '047f31a5a98d38c960ea5e11c0b898c13cb881063bff82a80fd19e1c5a224acb';

describe('canonicalEntry and entryHash', () => {
  it('pin the golden entry vectors', () => {
    expect(canonicalEntry(VISIBILITY_ENTRY)).toBe(VISIBILITY_CANONICAL);
    expect(entryHash(VISIBILITY_ENTRY)).toBe(VISIBILITY_SHA256);
    expect(canonicalEntry(FAILED_LOGIN_ENTRY)).toBe(FAILED_LOGIN_CANONICAL);
    expect(entryHash(FAILED_LOGIN_ENTRY)).toBe(FAILED_LOGIN_SHA256);
  });

  it('leave out the fields that change after storage or are derived', () => {
    // A stored document that still carries the old review fields hashes the same.
    const reviewed = {
      ...VISIBILITY_ENTRY,
      logId: 'other',
      reviewStatus: 'approved',
      searchTokens: ['anything'],
      hash: 'x',
    };
    expect(entryHash(reviewed)).toBe(VISIBILITY_SHA256);
    expect(HASHED_FIELDS).not.toContain('reviewStatus');
    expect(HASHED_FIELDS).not.toContain('hash');
  });

  it('change when any hashed field changes', () => {
    const tampered: HashedEntry[] = [
      { ...VISIBILITY_ENTRY, level: 'INFO' },
      { ...VISIBILITY_ENTRY, requiresReview: false },
      { ...VISIBILITY_ENTRY, actor: { ...VISIBILITY_ENTRY.actor, id: 'u-2' } },
      { ...VISIBILITY_ENTRY, changes: { before: { visibility: 'private' }, after: { visibility: 'internal' } } },
      { ...VISIBILITY_ENTRY, redactions: ['changes.after.visibility'] },
      { ...VISIBILITY_ENTRY, sequence: 43 },
      { ...VISIBILITY_ENTRY, occurredAt: '2026-01-31T12:00:00.001Z' },
    ];
    for (const entry of tampered) expect(entryHash(entry)).not.toBe(VISIBILITY_SHA256);
  });

  it('do not depend on the key order of nested objects', () => {
    const reordered: HashedEntry = {
      ...FAILED_LOGIN_ENTRY,
      actor: { ip: '203.0.113.7', type: 'anonymous' },
      metadata: { reason: 'bad password', attempt: 3, password: '[REDACTED]' },
    };
    expect(entryHash(reordered)).toBe(FAILED_LOGIN_SHA256);
  });

  it('refuse an entry holding a value JSON cannot represent', () => {
    expect(() => entryHash({ ...FAILED_LOGIN_ENTRY, metadata: { attempt: Number.NaN } })).toThrow(TypeError);
  });
});

describe('normalizeInstant', () => {
  it('turns any zone into UTC with milliseconds', () => {
    expect(normalizeInstant('2026-01-31T12:00:00Z')).toBe('2026-01-31T12:00:00.000Z');
    expect(normalizeInstant('2026-01-31T14:30:00+02:30')).toBe('2026-01-31T12:00:00.000Z');
    expect(normalizeInstant('2026-01-31T07:00:00.123-05:00')).toBe('2026-01-31T12:00:00.123Z');
    expect(normalizeInstant('2026-01-31T12:00:00.5Z')).toBe('2026-01-31T12:00:00.500Z');
  });
});

describe('sameEvent', () => {
  it("ignores the outbox's asserted mark but not other metadata", () => {
    const marked = { ...VISIBILITY_ENTRY, metadata: { asserted: ['name'] } };
    expect(sameEvent(VISIBILITY_ENTRY, marked)).toBe(true);
    expect(sameEvent(VISIBILITY_ENTRY, { ...VISIBILITY_ENTRY, metadata: { asserted: ['name'], note: 'x' } })).toBe(
      false,
    );
  });
});
