import { describe, expect, it } from 'vitest';
import { claimsFrom, navFor } from '../core/auth/roles';
import {
  canRestoreArchives,
  describeRestore,
  groupByDay,
  holdDaysProblem,
  shortHash,
  toArchivePart,
  type ArchivePartView,
} from './archive-model';

const ROOT_A = 'a'.repeat(60) + '0001';
const ROOT_B = 'b'.repeat(60) + '0002';
const at = (iso: string) => ({ toDate: () => new Date(iso) });

function part(overrides: Partial<ArchivePartView> & { date: string }): ArchivePartView {
  return {
    id: `t1:${overrides.date}:${overrides.part ?? 1}`,
    part: 1,
    state: 'archived',
    rows: 10,
    bytes: 2048,
    merkleRoot: ROOT_A,
    retained: 0,
    restoredUntil: null,
    failure: null,
    ...overrides,
  };
}

describe('toArchivePart', () => {
  it('reads the fields the tiering job writes', () => {
    const view = toArchivePart('t1:2025-01-02:1', {
      tenantId: 't1',
      date: '2025-01-02',
      part: 1,
      state: 'restored',
      rowCount: 1234,
      bytes: 5 * 1024 * 1024,
      merkleRoot: ROOT_A,
      retainedLogIds: ['x', 'y'],
      restoredUntil: at('2025-06-01T00:00:00Z'),
      failure: null,
    });
    expect(view).toEqual({
      id: 't1:2025-01-02:1',
      date: '2025-01-02',
      part: 1,
      state: 'restored',
      rows: 1234,
      bytes: 5 * 1024 * 1024,
      merkleRoot: ROOT_A,
      retained: 2,
      restoredUntil: new Date('2025-06-01T00:00:00Z'),
      failure: null,
    });
  });

  it('shows a malformed record as failed with unknown figures instead of breaking the list', () => {
    const view = toArchivePart('x', { date: '2025-01-02', state: 'exploded', rowCount: -3, bytes: 'big' });
    expect(view).toMatchObject({ state: 'failed', rows: null, bytes: null, merkleRoot: null, part: 1 });
    expect(view.failure).toBe('unreadable archive record');
    expect(toArchivePart('y', { date: 'd', state: 'failed', failure: { message: 'sha256 mismatch' } }).failure).toBe(
      'sha256 mismatch',
    );
  });
});

describe('groupByDay', () => {
  it('lists days newest first with human sizes', () => {
    const days = groupByDay([
      part({ date: '2025-01-01', bytes: 512 }),
      part({ date: '2025-03-01', bytes: 1536, rows: 7 }),
      part({ date: '2025-02-01', bytes: 3 * 1024 * 1024 }),
    ]);
    expect(days.map((d) => [d.date, d.size])).toEqual([
      ['2025-03-01', '1.5 KB'],
      ['2025-02-01', '3.0 MB'],
      ['2025-01-01', '512 B'],
    ]);
    expect(days[0]).toMatchObject({ rows: 7, roots: [ROOT_A], state: 'archived', restorable: true });
  });

  it('sums the parts of a day and keeps every root in part order', () => {
    const [day] = groupByDay([
      part({ date: '2025-01-01', part: 2, rows: 5, bytes: 1024, merkleRoot: ROOT_B, retained: 1 }),
      part({ date: '2025-01-01', part: 1, rows: 250_000, bytes: 1024 }),
    ]);
    expect(day).toMatchObject({ rows: 250_005, size: '2.0 KB', roots: [ROOT_A, ROOT_B], retained: 1 });
    expect(day!.parts.map((p) => p.part)).toEqual([1, 2]);
  });

  it('shows unknown figures while a part is still being written, and mixed states', () => {
    const [day] = groupByDay([
      part({ date: '2025-01-01', part: 1 }),
      part({ date: '2025-01-01', part: 2, state: 'writing', rows: null, bytes: null, merkleRoot: null }),
    ]);
    expect(day).toMatchObject({ rows: null, size: '–', roots: [ROOT_A], state: 'archived / writing' });
    expect(day!.hint).toContain('still in Firestore');
  });

  it('offers restore only for days whose parts the server restores', () => {
    const restorable = (state: ArchivePartView['state']) => groupByDay([part({ date: 'd', state })])[0]!.restorable;
    expect(['archived', 'restoring', 'restored'].map((s) => restorable(s as ArchivePartView['state']))).toEqual([
      true,
      true,
      true,
    ]);
    for (const s of ['writing', 'uploaded', 'verified', 'failed', 'deleting', 'purging', 'purged'] as const) {
      expect(restorable(s), s).toBe(false);
    }
  });

  it('shows until when a restored day is archived again', () => {
    const until = new Date('2025-07-01T00:00:00Z');
    const [day] = groupByDay([part({ date: 'd', state: 'restored', restoredUntil: until })]);
    expect(day!.restoredUntil).toEqual(until);
    const [archived] = groupByDay([part({ date: 'd', restoredUntil: until })]);
    expect(archived!.restoredUntil).toBeNull();
  });
});

describe('shortHash', () => {
  it('keeps both ends of a long hash and leaves short values alone', () => {
    expect(shortHash(ROOT_A)).toBe('aaaaaaaa…aaaa0001');
    expect(shortHash('abc')).toBe('abc');
  });
});

describe('who may restore', () => {
  it('is a tenant admin looking at their own tenant, nobody else', () => {
    const claims = (raw: Record<string, unknown>) => claimsFrom(raw);
    expect(canRestoreArchives(claims({ tenantId: 't1', role: 'admin' }), 't1')).toBe(true);
    for (const role of ['auditor', 'reviewer', 'compliance', 'member']) {
      expect(canRestoreArchives(claims({ tenantId: 't1', role }), 't1'), role).toBe(false);
    }
    expect(canRestoreArchives(claims({ platformAdmin: true }), 't1')).toBe(false);
    expect(canRestoreArchives(claims({ tenantId: 't1', role: 'admin', platformAdmin: true }), 't2')).toBe(false);
  });

  it('shows the Archive page to every reading role, not to members', () => {
    const sees = (role: string) => navFor(claimsFrom({ tenantId: 't1', role })).some((i) => i.path === '/archive');
    expect(['admin', 'auditor', 'reviewer', 'compliance'].map(sees)).toEqual([true, true, true, true]);
    expect(sees('member')).toBe(false);
  });
});

describe('restore', () => {
  it('checks the hold against the server bounds', () => {
    expect(holdDaysProblem(30)).toBeNull();
    expect(holdDaysProblem(0)).toMatch(/Between 1 and 365/);
    expect(holdDaysProblem(366)).toMatch(/Between 1 and 365/);
    expect(holdDaysProblem(2.5)).toMatch(/whole number/);
    expect(holdDaysProblem(null)).toMatch(/whole number/);
  });

  it('describes the result', () => {
    const base = { tenantId: 't1', date: '2025-01-02', parts: 1, restoredUntil: '2025-08-01T10:00:00.000Z' };
    expect(describeRestore({ ...base, restored: 1200, alreadyPresent: 0 })).toBe(
      'Restored 1,200 entries of 2025-01-02 from 1 part. ' +
        'They stay in Firestore until 2025-08-01, then the tiering job archives them again.',
    );
    expect(describeRestore({ ...base, parts: 2, restored: 0, alreadyPresent: 1 })).toContain(
      'Restored 0 entries of 2025-01-02 from 2 parts (1 entry was already there).',
    );
  });
});
