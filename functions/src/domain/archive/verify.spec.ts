import { describe, expect, it } from 'vitest';
import { buildEntry, CLEAR_TEXT_TENANT_SETTINGS, validateEnvelope } from '..';
import { searchTenant, jobScope, restoreTenant } from './access';
import { compareWithManifest, type Manifest } from './manifest';
import { MERKLE_ORDER, merkleRoot } from './merkle';
import { toArchiveRow, type ArchiveRow } from './row';
import { ArchiveObserver, checkRow } from './verify';

const instant = (iso: string) => {
  const ms = Date.parse(iso);
  return { seconds: Math.floor(ms / 1000), nanoseconds: (ms % 1000) * 1e6, toDate: () => new Date(ms) };
};

function rows(n: number, tenantId = 'acme', day = '2024-01-02'): ArchiveRow[] {
  return Array.from({ length: n }, (_, i) => {
    const e = buildEntry(
      validateEnvelope(
        {
          specVersion: '1.0',
          eventId: `e-${i}`,
          eventType: 'repo.created',
          tenantId,
          occurredAt: `${day}T0${i % 10}:00:00.000Z`,
          source: 'repo-service',
          actor: { type: 'user', id: `u-${i}` },
          resource: { type: 'repository', id: `r-${i}` },
          changes: { before: null, after: { name: `r-${i}` } },
        },
        new Date('2024-06-01T00:00:00Z'),
      ),
      CLEAR_TEXT_TENANT_SETTINGS,
      { via: 'pubsub' },
    );
    return toArchiveRow({
      ...e,
      reviewStatus: 'none',
      occurredAt: instant(e.occurredAt),
      recordedAt: instant(e.occurredAt),
    });
  });
}

function manifestOf(rs: ArchiveRow[]): Manifest {
  const times = rs.map((r) => r.occurredAt).sort();
  return {
    schemaVersion: 1,
    archiveId: 'acme:2024-01-02:1',
    tenantId: 'acme',
    date: '2024-01-02',
    part: 1,
    objectPath: 'audit/tenant=acme/date=2024-01-02/part-1.parquet',
    rowCount: rs.length,
    bytes: 100,
    sha256: 'a'.repeat(64),
    merkleRoot: merkleRoot(rs.map((r) => r.hash)),
    merkleOrder: MERKLE_ORDER,
    minOccurredAt: times[0] ?? null,
    maxOccurredAt: times.at(-1) ?? null,
    compression: 'zstd',
    writer: 'test',
    createdAt: '2024-06-01T00:00:00.000Z',
  };
}

function observe(rs: ArchiveRow[], file = { bytes: 100, sha256: 'a'.repeat(64) }) {
  const o = new ArchiveObserver('acme', '2024-01-02');
  for (const r of rs) o.add(r);
  return o.finish(file);
}

describe('archive verification', () => {
  const good = rows(12);

  it('accepts a file that matches its manifest', () => {
    expect(compareWithManifest(manifestOf(good), observe(good))).toEqual([]);
  });

  it('names every difference', () => {
    const m = manifestOf(good);
    const codes = (rs: ArchiveRow[], file?: { bytes: number; sha256: string }) =>
      compareWithManifest(m, observe(rs, file)).map((p) => p.code);
    expect(codes(good.slice(1))).toEqual(expect.arrayContaining(['row_count_mismatch', 'merkle_root_mismatch']));
    expect(codes([...good, good[0]!])).toEqual(expect.arrayContaining(['duplicate_rows', 'row_count_mismatch']));
    expect(codes(good, { bytes: 99, sha256: 'b'.repeat(64) })).toEqual(['size_mismatch', 'sha256_mismatch']);
    const tampered = good.map((r, i) => (i === 4 ? { ...r, eventType: 'repo.deleted' } : r));
    expect(codes(tampered)).toEqual(['bad_rows']);
  });

  it('checks each row against its tenant, day, id and hash', () => {
    const [r] = good;
    expect(checkRow(r!, 'acme', '2024-01-02')).toBeNull();
    expect(checkRow(r!, 'other', '2024-01-02')).toMatch(/partition is other/);
    expect(checkRow(r!, 'acme', '2024-01-03')).toMatch(/outside 2024-01-03/);
    expect(checkRow({ ...r!, logId: '0'.repeat(32) }, 'acme', '2024-01-02')).toMatch(/logId/);
    expect(checkRow({ ...r!, changes: '{"after":{"name":"x"},"before":null}' }, 'acme', '2024-01-02')).toMatch(/hash/);
    expect(checkRow({ ...r!, metadata: '{broken' }, 'acme', '2024-01-02')).toMatch(/cannot be read/);
  });
});

describe('who may do what with archives', () => {
  const as = (token: Record<string, unknown>) => ({ uid: 'u', token });

  it('searching: own tenant with a read role, any named tenant for a platform admin', () => {
    expect(searchTenant(as({ tenantId: 'acme', role: 'auditor' }), undefined)).toBe('acme');
    expect(searchTenant(as({ tenantId: 'acme', role: 'auditor' }), 'acme')).toBe('acme');
    expect(() => searchTenant(as({ tenantId: 'acme', role: 'auditor' }), 'other')).toThrow(/own tenant/);
    expect(() => searchTenant(as({ tenantId: 'acme', role: 'member' }), undefined)).toThrow(/may not read/);
    expect(() => searchTenant(undefined, undefined)).toThrow(/sign in/);
    expect(searchTenant(as({ platformAdmin: true }), 'other')).toBe('other');
    expect(() => searchTenant(as({ platformAdmin: true }), undefined)).toThrow(/name the tenant/);
  });

  it('jobs: a tenant admin for their tenant, a platform admin for any or all; restore: tenant admins only', () => {
    expect(jobScope(as({ tenantId: 'acme', role: 'admin' }), undefined)).toBe('acme');
    expect(() => jobScope(as({ tenantId: 'acme', role: 'auditor' }), undefined)).toThrow(/tenant admin/);
    expect(() => jobScope(as({ tenantId: 'acme', role: 'admin' }), 'other')).toThrow(/own tenant/);
    expect(jobScope(as({ platformAdmin: true }), undefined)).toBeNull();
    expect(restoreTenant(as({ tenantId: 'acme', role: 'admin', email: 'a@x.io' }))).toEqual({
      tenantId: 'acme',
      uid: 'u',
      email: 'a@x.io',
    });
    expect(() => restoreTenant(as({ platformAdmin: true }))).toThrow(/tenant admin/);
  });
});
