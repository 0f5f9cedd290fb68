import { describe, expect, it } from 'vitest';
import { buildEntry, CLEAR_TEXT_TENANT_SETTINGS, entryHash, validateEnvelope, type AuditEntry } from '..';
import { ArchiveError } from './errors';
import { instantToIsoMicros, isoMicrosToInstant, type Instant } from './instant';
import { fromArchiveRow, rowToEntry, sameRow, toArchiveRow } from './row';

/** A Timestamp look-alike, as the Admin SDK hands documents to the job. */
class FakeTimestamp implements Instant {
  constructor(
    readonly seconds: number,
    readonly nanoseconds: number,
  ) {}
  toDate(): Date {
    return new Date(this.seconds * 1000 + Math.floor(this.nanoseconds / 1e6));
  }
}
const ts = (iso: string) => {
  const ms = Date.parse(iso);
  return new FakeTimestamp(Math.floor(ms / 1000), (ms % 1000) * 1e6);
};

function entry(overrides: Record<string, unknown> = {}): AuditEntry {
  const raw = {
    specVersion: '1.0',
    eventId: 'e-1',
    eventType: 'repo.visibility_changed',
    tenantId: 'acme',
    occurredAt: '2024-03-05T10:11:12.345Z',
    source: 'repo-service',
    sequence: 7,
    actor: { type: 'user', id: 'u-1', name: 'Ada', email: 'ada@example.com', roles: ['owner'] },
    resource: { type: 'repository', id: 'r-1', name: 'widgets' },
    changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
    metadata: { z: 1, a: { nested: [1, 'two', null, true] } },
    context: { correlationId: 'c-1' },
    ...overrides,
  };
  return buildEntry(validateEnvelope(raw, new Date('2024-06-01T00:00:00Z')), CLEAR_TEXT_TENANT_SETTINGS, {
    via: 'http',
  });
}

/** The document the archive job maps: the stored entry plus its review status (review-state.ts). */
function stored(e: AuditEntry): Record<string, unknown> {
  return { ...e, reviewStatus: 'pending', occurredAt: ts(e.occurredAt), recordedAt: ts('2024-03-05T10:11:13.000Z') };
}

describe('archive rows', () => {
  it('round-trip a stored entry exactly and keep its hash valid', () => {
    const e = entry();
    const row = toArchiveRow(stored(e));
    expect(row.occurredAt).toBe('2024-03-05T10:11:12.345000Z');
    expect(row.changes).toBe('{"after":{"visibility":"public"},"before":{"visibility":"private"}}');
    expect(row.extra).toBeNull();
    const back = rowToEntry(row);
    expect(back).toEqual({ ...e, reviewStatus: 'pending', recordedAt: '2024-03-05T10:11:13.000Z' });
    expect(entryHash(back)).toBe(e.hash);
  });

  it('leaves absent optional fields absent (NULL in the file, missing after)', () => {
    const e = entry({
      eventType: 'auth.user.login',
      resource: undefined,
      changes: undefined,
      metadata: undefined,
      sequence: undefined,
    });
    const row = toArchiveRow(stored(e));
    expect(row).toMatchObject({ resource: null, changes: null, metadata: null, sequence: null });
    const back = fromArchiveRow(row, (iso) => iso);
    expect(back).not.toHaveProperty('resource');
    expect(back).not.toHaveProperty('sequence');
    expect((back.actor as Record<string, unknown>).ip).toBeUndefined();
  });

  it('keeps fields outside the schema in `extra`, Timestamps tagged, and restores them', () => {
    const doc = {
      ...stored(entry()),
      reviewedBy: 'u-9',
      reviewDueAt: ts('2024-04-01T00:00:00.000Z'),
      notes: [{ at: 1 }],
    };
    const row = toArchiveRow(doc);
    expect(JSON.parse(row.extra as string)).toEqual({
      notes: [{ at: 1 }],
      reviewDueAt: { $timestamp: '2024-04-01T00:00:00.000000Z' },
      reviewedBy: 'u-9',
    });
    const back = fromArchiveRow(row, (iso) => `T(${iso})`);
    expect(back.reviewDueAt).toBe('T(2024-04-01T00:00:00.000000Z)');
    expect(back.reviewedBy).toBe('u-9');
  });

  it('refuses what it cannot archive losslessly instead of dropping it', () => {
    const base = stored(entry());
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, actor: { ...(base.actor as object), department: 'x' } }, 'actor.department'],
      [{ ...base, occurredAt: '2024-01-01' }, 'occurredAt'],
      [{ ...base, sequence: 1.5 }, 'sequence'],
      [{ ...base, metadata: { when: ts('2024-01-01T00:00:00Z') } }, 'metadata.when'],
      [{ ...base, hash: undefined }, 'hash'],
    ];
    for (const [doc, path] of cases) {
      let caught: unknown;
      try {
        toArchiveRow(doc);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ArchiveError);
      expect((caught as ArchiveError).code).toBe('unarchivable_entry');
      expect((caught as ArchiveError).errors[0]?.path).toBe(path);
    }
  });

  it('compares rows by content, not key order', () => {
    const row = toArchiveRow(stored(entry()));
    const reordered = Object.fromEntries(Object.entries(row).reverse());
    expect(sameRow(row, reordered)).toBe(true);
    expect(sameRow(row, { ...row, reviewStatus: 'approved' })).toBe(false);
  });
});

describe('instants', () => {
  it('print with six fraction digits, before and after 1970, and parse back', () => {
    for (const [seconds, nanoseconds, iso] of [
      [0, 0, '1970-01-01T00:00:00.000000Z'],
      [1709633472, 345_678_901, '2024-03-05T10:11:12.345678Z'],
      [-1, 999_999_000, '1969-12-31T23:59:59.999999Z'],
      [253402300799, 0, '9999-12-31T23:59:59.000000Z'],
    ] as const) {
      expect(instantToIsoMicros({ seconds, nanoseconds })).toBe(iso);
      const back = isoMicrosToInstant(iso);
      expect(back.seconds).toBe(seconds);
      expect(back.nanoseconds).toBe(Math.floor(nanoseconds / 1000) * 1000);
    }
  });

  it('agree with Date for every second of a day across a month boundary', () => {
    const start = Date.parse('2024-02-28T00:00:00Z') / 1000;
    for (let s = start; s < start + 3 * 86_400; s += 97) {
      expect(instantToIsoMicros({ seconds: s, nanoseconds: 0 })).toBe(
        new Date(s * 1000).toISOString().replace('Z', '000Z'),
      );
    }
  });

  it('refuse anything else', () => {
    expect(() => isoMicrosToInstant('2024-03-05T10:11:12.345Z')).toThrow(RangeError);
    expect(() => instantToIsoMicros({ seconds: 1.5, nanoseconds: 0 })).toThrow(RangeError);
  });
});
