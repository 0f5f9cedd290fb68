import { describe, expect, it } from 'vitest';
import { ERASED } from '@audit-log/model/sealed';
import { SubjectSummaryBuilder, SUMMARY_VALUE_LIMIT } from './subject-summary';
import type { SubjectRecord } from './subject-access';

function row(over: Partial<SubjectRecord> & { actor?: Record<string, unknown> }): SubjectRecord {
  return {
    relation: 'actor',
    tier: 'warm',
    logId: 'l',
    occurredAt: '2026-01-02T00:00:00.000Z',
    eventType: 'repo.created',
    category: 'DATA_MODIFICATION',
    actor: { type: 'user', id: 'u-ada', email: 'ada@example.com', name: 'Ada' },
    ...over,
  } as unknown as SubjectRecord;
}

const header = {
  exportId: 'x1',
  tenantId: 't1',
  subject: 'u-ada',
  subjectRef: 'ref',
  reason: 'ticket',
  requestedAt: '2026-03-01T00:00:00.000Z',
  file: { fileName: 'f.json', sha256: 'abc', bytes: 10 },
};

describe('SubjectSummaryBuilder', () => {
  it('counts entries by relation, tier, category and event type, and their period', () => {
    const b = new SubjectSummaryBuilder();
    b.add(row({ occurredAt: '2026-01-05T00:00:00.000Z' }));
    b.add(
      row({
        tier: 'archive',
        occurredAt: '2025-11-01T00:00:00.000Z',
        eventType: 'auth.login',
        category: 'AUTHENTICATION',
      }),
    );
    b.add(row({ relation: 'resource', actor: { type: 'user', id: 'admin', email: 'admin@example.com' } }));
    const s = b.result(header);
    expect(s).toMatchObject({ entries: 3, asActor: 2, asResource: 1, warm: 2, archived: 1 });
    expect(s.firstOccurredAt).toBe('2025-11-01T00:00:00.000Z');
    expect(s.lastOccurredAt).toBe('2026-01-05T00:00:00.000Z');
    expect(s.byCategory).toEqual([
      { category: 'AUTHENTICATION', count: 1 },
      { category: 'DATA_MODIFICATION', count: 2 },
    ]);
    expect(s.eventTypes[0]).toEqual({ eventType: 'repo.created', count: 2 });
  });

  it("lists the subject's own personal values, never those of who acted upon them", () => {
    const b = new SubjectSummaryBuilder();
    b.add(row({}));
    b.add(row({ relation: 'resource', actor: { type: 'user', id: 'admin', email: 'admin@example.com' } }));
    const emails = b.result(header).personal.find((p) => p.kind === 'email')!;
    expect(emails.values).toEqual(['ada@example.com']);
  });

  it('lists at most the limit of distinct values and counts the rest', () => {
    const b = new SubjectSummaryBuilder();
    for (let i = 0; i < SUMMARY_VALUE_LIMIT + 5; i++)
      b.add(row({ actor: { type: 'user', id: 'u-ada', ip: `10.0.0.${i}` } }));
    b.add(row({ actor: { type: 'user', id: 'u-ada', ip: '10.0.0.0' } }));
    const ips = b.result(header).personal.find((p) => p.kind === 'ip')!;
    expect(ips.values).toHaveLength(SUMMARY_VALUE_LIMIT);
    expect(ips.more).toBe(5);
  });

  it('counts erased fields and never lists the marker as a value', () => {
    const b = new SubjectSummaryBuilder();
    b.add(row({ actor: { type: 'user', id: 'u-ada', email: ERASED, name: ERASED } }));
    const s = b.result(header);
    expect(s.erasedFields).toBe(2);
    expect(s.personal.flatMap((p) => p.values)).toEqual([]);
  });
});
