import { describe, expect, it } from 'vitest';
import { logIdFor } from './ids';

describe('logIdFor', () => {
  it('is the first 32 hex digits of SHA-256 over tenant, source and event id', () => {
    // printf 'acme\nrepo-service\nevt-0001' | sha256sum | cut -c1-32
    expect(logIdFor('acme', 'repo-service', 'evt-0001')).toBe('f4e790c33a1c85df51c06de7fa0e9bff');
  });

  it('is deterministic, so a redelivery addresses the same document', () => {
    expect(logIdFor('t1', 'svc', 'e-1')).toBe(logIdFor('t1', 'svc', 'e-1'));
    expect(logIdFor('t1', 'svc', 'e-1')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differs for each part of the key', () => {
    const ids = new Set([
      logIdFor('t1', 'svc', 'e-1'),
      logIdFor('t2', 'svc', 'e-1'),
      logIdFor('t1', 'svc2', 'e-1'),
      logIdFor('t1', 'svc', 'e-2'),
      // Moving characters between parts must not give the same id.
      logIdFor('t1s', 'vc', 'e-1'),
      logIdFor('t1', 'sv', 'ce-1'),
    ]);
    expect(ids.size).toBe(6);
  });

  it('is not time-ordered: consecutive events spread over the key space', () => {
    const ids = Array.from({ length: 200 }, (_, i) => logIdFor('t1', 'svc', `evt-${String(i).padStart(6, '0')}`));
    const sorted = [...ids].sort();
    expect(ids).not.toEqual(sorted);
    // Ascending pairs should be about half; a time-ordered id would make all 199 ascending.
    const ascending = ids.slice(1).filter((id, i) => id > ids[i]!).length;
    expect(ascending).toBeGreaterThan(60);
    expect(ascending).toBeLessThan(140);
    // Leading hex digits cover the range, so writes do not pile onto one key range.
    expect(new Set(ids.map((id) => id[0])).size).toBeGreaterThanOrEqual(14);
  });
});
