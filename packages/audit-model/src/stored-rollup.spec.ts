import { describe, expect, it } from 'vitest';
import { RollupAccumulator, type RollupEntryView } from './rollup';
import { readStoredDocument, StoredDocumentError, type TimestampLike } from './stored-document';
import { dailyRollupConverter, dailyRollupSchema } from './stored-rollup';

const PATH = 'audit_rollups/acme~2026-03-01';

function timestamp(ms: number): TimestampLike {
  return { toMillis: () => ms, toDate: () => new Date(ms) };
}

/** A day's rollup as the job writes it: the accumulator's figures and the day's bookkeeping. */
function rollup(): Record<string, unknown> {
  const acc = new RollupAccumulator();
  const denied: RollupEntryView = {
    eventType: 'permission.check.denied',
    category: 'AUTHORIZATION',
    level: 'WARNING',
    outcome: 'denied',
    actor: { type: 'user', id: 'u-mallory', name: 'Mallory' },
  };
  acc.add(denied);
  acc.add({ ...denied, eventType: 'security.anomaly.repeated_denials', category: 'SECURITY', level: 'CRITICAL' });
  acc.add({ ...denied, outcome: 'success', actor: { type: 'anonymous', ip: '203.0.113.9' } });
  return {
    ...acc.result(),
    tenantId: 'acme',
    date: '2026-03-01',
    final: true,
    archived: false,
    computedAt: timestamp(1_772_400_000_000),
    lateLogIds: [],
    uncounted: 0,
  };
}

/** `rollup()` with one member changed at a dotted path (`actors.0.risk`); `undefined` removes it. */
function withField(path: string, value: unknown): Record<string, unknown> {
  const { computedAt, ...figures } = rollup();
  const doc = { ...structuredClone(figures), computedAt };
  const keys = path.split('.');
  let at: Record<string, unknown> = doc;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  if (value === undefined) delete at[keys.at(-1)!];
  else at[keys.at(-1)!] = value;
  return doc;
}

describe('daily rollup document', () => {
  it('reads what the accumulator produces, actors and all', () => {
    const read = dailyRollupConverter.fromFirestore({ ref: { path: PATH }, data: () => rollup() });
    expect(read.entries).toBe(3);
    expect(read.actors.map((a) => a.key)).toEqual(['user:u-mallory', 'anonymous@203.0.113.9']);
    expect(read.anomalies).toEqual([{ pattern: 'security.anomaly.repeated_denials', count: 1 }]);
    expect(read.computedAt.toMillis()).toBe(1_772_400_000_000);
  });

  it.each([
    ['tenantId', undefined, 'must be a string, is missing'],
    ['date', '1 March', 'must be a day, YYYY-MM-DD'],
    ['final', 'yes', 'must be a boolean, is a string'],
    ['archived', undefined, 'must be a boolean, is missing'],
    ['computedAt', 1_772_400_000_000, 'must be a Firestore Timestamp, is a number'],
    ['lateLogIds', 'abc', 'must be an array, is a string'],
    ['uncounted', -1, 'must be at least 0'],
    ['entries', 2.5, 'must be an integer, is a number'],
    ['byCategory.SECURITY', '1', 'must be a number, is a string'],
    ['byLevel', undefined, 'must be an object, is missing'],
    ['byOutcome.denied', undefined, 'must be a number, is missing'],
    ['eventTypes.0.count', -3, 'must be at least 0'],
    ['otherEventTypes', null, 'must be a number, is null'],
    ['actors.0.type', 'robot', 'must be one of "user", "service_account", "system", "anonymous", is "robot"'],
    ['actors.0.denials', undefined, 'must be a number, is missing'],
    ['actors.1.risk', -1, 'must be at least 0'],
    ['otherActors.actors', '0', 'must be a number, is a string'],
    ['anomalies.0.pattern', 7, 'must be a string, is a number'],
  ])('names the malformed field %s', (path, value, message) => {
    const read = readStoredDocument(dailyRollupSchema, PATH, withField(path, value));
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error.errors).toHaveLength(1);
    expect(read.error.errors[0]!.path).toBe(path);
    expect(read.error.errors[0]!.message).toContain(message);
  });

  it('throws from the converter with the document path', () => {
    const bad = { ref: { path: PATH }, data: () => withField('entries', 'many') };
    expect(() => dailyRollupConverter.fromFirestore(bad)).toThrow(StoredDocumentError);
    expect(() => dailyRollupConverter.fromFirestore(bad)).toThrow(
      `malformed document ${PATH}: entries: must be a number, is a string`,
    );
  });
});
