import { describe, expect, it } from 'vitest';
import { ExportError } from './errors';
import type { ExportRecord } from './record';
import {
  exportPopulations,
  gdprExportEvent,
  parseStartSubjectAccessExport,
  subjectAccessEncoder,
  subjectRecordOfLine,
  SUBJECT_ACCESS_FORMAT,
  type SubjectRecord,
  WITHHELD,
} from './subject-access';
import { parseExportFilter } from './filter';

const subject = { id: 'u-ada', ref: 'ref-123', reason: 'ticket 42' };

function record(logId: string, actorId: string, resource = { type: 'repository', id: 'r1' }): ExportRecord {
  return {
    logId,
    tenantId: 't1',
    occurredAt: '2026-01-02T03:04:05.000Z',
    recordedAt: '2026-01-02T03:04:05.000Z',
    eventType: 'repo.created',
    category: 'DATA_MODIFICATION',
    level: 'INFO',
    outcome: 'success',
    operation: 'CREATE',
    source: 'repo-service',
    eventId: logId,
    specVersion: '1.0',
    actor: { type: 'user', id: actorId, email: `${actorId}@example.com` },
    resource,
    requiresReview: false,
    reviewStatus: 'none',
    hash: 'h',
  } as unknown as ExportRecord;
}

describe('subject access populations', () => {
  it('reads the subject as actor, then as a user acted upon, within the tenant', () => {
    const [actor, acted, ...rest] = exportPopulations('t1', { filter: parseExportFilter({}), subject });
    expect(rest).toEqual([]);
    expect(actor!.plan.where).toEqual(
      expect.arrayContaining([
        { field: 'tenantId', op: '==', value: 't1' },
        { field: 'actor.id', op: '==', value: 'u-ada' },
      ]),
    );
    expect(acted!.plan.where).toEqual(
      expect.arrayContaining([
        { field: 'tenantId', op: '==', value: 't1' },
        { field: 'resource.type', op: '==', value: 'user' },
        { field: 'resource.id', op: '==', value: 'u-ada' },
      ]),
    );
  });

  it('writes an entry the subject made about themself once, in the actor population', () => {
    const [, acted] = exportPopulations('t1', { filter: parseExportFilter({}), subject });
    expect(acted!.writtenBefore(record('a', 'u-ada', { type: 'user', id: 'u-ada' }))).toBe(true);
    expect(acted!.writtenBefore(record('b', 'u-admin', { type: 'user', id: 'u-ada' }))).toBe(false);
  });

  it('tags each row with how it concerns the subject and its tier, first', () => {
    const [actor, acted] = exportPopulations('t1', { filter: parseExportFilter({}), subject });
    const row = actor!.present(record('a', 'u-ada'), 'archive');
    expect(Object.keys(row).slice(0, 3)).toEqual(['relation', 'tier', 'logId']);
    expect(row).toMatchObject({ relation: 'actor', tier: 'archive' });
    expect(acted!.present(record('b', 'x'), 'warm')).toMatchObject({ relation: 'resource', tier: 'warm' });
  });

  it("withholds the other person's personal data in rows about the subject, keeping who and what", () => {
    const [, acted] = exportPopulations('t1', { filter: parseExportFilter({}), subject });
    const done = {
      ...record('b', 'u-admin', { type: 'user', id: 'u-ada' }),
      actor: { type: 'user', id: 'u-admin', email: 'admin@example.com', name: 'Admin', ip: '10.0.0.1' },
      metadata: { user_agent: 'AdminAgent', ipAddress: '10.0.0.1', team: 'core' },
      changes: { before: { role: 'member' }, after: { role: 'owner' } },
    } as unknown as ExportRecord;
    const row = acted!.present(done, 'warm');
    expect(row.actor).toEqual({ type: 'user', id: 'u-admin', email: WITHHELD, name: WITHHELD, ip: WITHHELD });
    expect(row.metadata).toEqual({ user_agent: WITHHELD, ipAddress: WITHHELD, team: 'core' });
    expect(row.changes).toEqual(done.changes);
    expect(JSON.stringify(row)).not.toMatch(/admin@example|AdminAgent|10\.0\.0\.1/);
  });

  it('leaves a plain export as its filter planned it, rows unchanged', () => {
    const [only, ...rest] = exportPopulations('t1', { filter: parseExportFilter({ actorId: 'u-1' }) });
    expect(rest).toEqual([]);
    const row = record('a', 'u-1');
    expect(only!.present(row, 'archive')).toBe(row);
    expect(only!.writtenBefore(row)).toBe(false);
  });
});

describe('the subject access file', () => {
  const encoder = subjectAccessEncoder({
    exportId: 'x1',
    tenantId: 't1',
    subject: 'u-ada',
    requestedAt: '2026-03-01T00:00:00.000Z',
  });
  const [actor] = exportPopulations('t1', { filter: parseExportFilter({}), subject });
  const rows = [record('a', 'u-ada'), record('b', 'u-ada')].map((r) => actor!.present(r, 'warm'));

  it('is one JSON document with its header, entries and count', () => {
    const text = encoder.start() + rows.map((r, i) => encoder.record(r, i)).join('') + encoder.end(rows.length);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed).toMatchObject({ format: SUBJECT_ACCESS_FORMAT, subject: 'u-ada', tenantId: 't1', count: 2 });
    expect((parsed.entries as SubjectRecord[]).map((e) => e.logId)).toEqual(['a', 'b']);
  });

  it('is valid JSON without entries too', () => {
    expect(JSON.parse(encoder.start() + encoder.end(0))).toMatchObject({ entries: [], count: 0 });
  });

  it('is read back line by line, header and closing lines skipped', () => {
    const text = encoder.start() + rows.map((r, i) => encoder.record(r, i)).join('') + encoder.end(rows.length);
    const read = text
      .split('\n')
      .map(subjectRecordOfLine)
      .filter((r) => r !== null);
    expect(read.map((r) => r.logId)).toEqual(['a', 'b']);
  });

  it('never mistakes a value that looks like a row for one', () => {
    const tricky = actor!.present({ ...record('c', 'u-ada'), eventType: '\n{"relation":"actor"}' }, 'warm');
    const text = encoder.start() + encoder.record(tricky, 0) + encoder.end(1);
    expect(text.split('\n').map(subjectRecordOfLine).filter(Boolean)).toHaveLength(1);
  });
});

describe('startSubjectAccessExport requests', () => {
  function errorsOf(input: unknown): Array<{ path: string; message: string }> {
    try {
      parseStartSubjectAccessExport(input);
    } catch (err) {
      if (err instanceof ExportError) return err.errors.map((e) => ({ path: e.path, message: e.message }));
      throw err;
    }
    return [];
  }

  it('takes a subject and a reason, trimmed', () => {
    expect(parseStartSubjectAccessExport({ subject: ' u-ada ', reason: ' ticket 42 ' })).toEqual({
      subject: 'u-ada',
      reason: 'ticket 42',
    });
  });

  it('refuses each bad field by name', () => {
    expect(errorsOf({ reason: 'ticket' }).map((e) => e.path)).toEqual(['subject']);
    expect(errorsOf({ subject: 'u', reason: 'no' }).map((e) => e.path)).toEqual(['reason']);
    expect(errorsOf({ subject: 'x'.repeat(257), reason: 'ticket' }).map((e) => e.path)).toEqual(['subject']);
    expect(errorsOf({ subject: 'u', reason: 'ticket', tenantId: 'other' })).toHaveLength(1);
    expect(
      errorsOf(null)
        .map((e) => e.path)
        .sort(),
    ).toEqual(['reason', 'subject']);
  });
});

describe('gdpr_export entries', () => {
  const requester = { tenantId: 't1', uid: 'officer', role: 'compliance', email: 'o@example.com' };

  it('name the subject by reference only, with one event id per step of one export', () => {
    const requested = gdprExportEvent({
      step: 'requested',
      tenantId: 't1',
      occurredAt: new Date('2026-03-01T00:00:00Z'),
      exportId: 'x1',
      requester,
      subjectRef: 'ref-123',
      reason: 'ticket 42',
    });
    expect(requested).toMatchObject({
      eventType: 'compliance.gdpr_export.requested',
      eventId: 'gdpr-export-x1-requested',
      resource: { type: 'data_subject', id: 'ref-123' },
      actor: { id: 'officer' },
    });
    expect(JSON.stringify(requested)).not.toContain('u-ada');
    const completed = gdprExportEvent({
      step: 'completed',
      tenantId: 't1',
      occurredAt: new Date('2026-03-01T00:00:00Z'),
      exportId: 'x1',
      requester,
      subjectRef: 'ref-123',
      reason: 'ticket 42',
      rows: 3,
      sha256: 'abc',
      summary: { reportId: 'x1', sha256: 'def', pages: 2 },
    });
    expect(completed.eventId).not.toBe(requested.eventId);
    expect(completed.metadata).toMatchObject({ rows: 3, sha256: 'abc', summarySha256: 'def', summaryPages: 2 });
  });
});
