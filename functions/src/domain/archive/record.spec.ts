import { describe, expect, it } from 'vitest';
import { ARCHIVE_STATES, canTransition, newArchiveRecord, nextAction, transition, type ArchiveRecord } from './record';

const base = (): ArchiveRecord =>
  newArchiveRecord({
    tenantId: 'acme',
    date: '2024-01-01',
    part: 1,
    objectPath: 'audit/tenant=acme/date=2024-01-01/part-1.parquet',
    manifestPath: 'audit/tenant=acme/date=2024-01-01/part-1.manifest.json',
    schemaVersion: 1,
    nowMs: 1000,
  });

describe('archive state machine', () => {
  it('enters deleting only from verified or restored', () => {
    const into = ARCHIVE_STATES.filter((s) => canTransition(s, 'deleting'));
    expect(into.sort()).toEqual(['restored', 'verified']);
  });

  it('never leaves purged, and reaches archived only through deleting', () => {
    expect(ARCHIVE_STATES.filter((s) => canTransition('purged', s))).toEqual([]);
    expect(ARCHIVE_STATES.filter((s) => canTransition(s, 'archived'))).toEqual(['deleting']);
  });

  it('refuses a transition the machine does not have', () => {
    expect(() => transition(base(), 'deleting', 2000)).toThrow(/no transition writing → deleting/);
    expect(() => transition(base(), 'archived', 2000)).toThrow();
  });

  it('records history and time with each step', () => {
    const r = transition(transition(base(), 'uploaded', 2000), 'verified', 3000, {}, 'ok');
    expect(r.state).toBe('verified');
    expect(r.updatedAtMs).toBe(3000);
    expect(r.history.map((h) => h.state)).toEqual(['writing', 'uploaded', 'verified']);
    expect(r.history.at(-1)).toEqual({ state: 'verified', atMs: 3000, note: 'ok' });
  });

  it('tells the job what to do next from every state', () => {
    const at = (state: ArchiveRecord['state'], extra: Partial<ArchiveRecord> = {}) =>
      nextAction({ ...base(), state, ...extra }, 5000);
    expect(at('writing')).toBe('rewrite');
    expect(at('failed')).toBe('rewrite');
    expect(at('uploaded')).toBe('verify');
    expect(at('verified')).toBe('delete');
    expect(at('deleting')).toBe('delete');
    expect(at('archived')).toBe('emit');
    expect(at('archived', { eventLogId: 'x' })).toBe('done');
    expect(at('restoring')).toBe('hold');
    expect(at('restored', { restoredUntilMs: 6000 })).toBe('hold');
    expect(at('restored', { restoredUntilMs: 4000 })).toBe('delete');
    expect(at('purged')).toBe('done');
  });
});
