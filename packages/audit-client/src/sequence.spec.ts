import { describe, expect, it } from 'vitest';
import { SequenceCounter } from './sequence';

describe('SequenceCounter', () => {
  it('counts each (tenant, source) pair on its own', () => {
    const counter = new SequenceCounter();
    expect(counter.take('acme', 'repo')).toBe(0);
    expect(counter.take('acme', 'repo')).toBe(1);
    expect(counter.take('acme', 'issues')).toBe(0);
    expect(counter.take('globex', 'repo')).toBe(0);
    expect(counter.peek('acme', 'repo')).toBe(2);
    expect(counter.take('acme', 'repo')).toBe(2);
  });

  it('starts where the producer says, once per pair', () => {
    const asked: string[] = [];
    const counter = new SequenceCounter((tenantId, source) => {
      asked.push(`${tenantId}/${source}`);
      return 500;
    });
    expect([counter.take('acme', 'repo'), counter.take('acme', 'repo')]).toEqual([500, 501]);
    expect(asked).toEqual(['acme/repo']);
  });

  it('refuses a start that is not a non-negative safe integer', () => {
    expect(() => new SequenceCounter(-1).take('acme', 'repo')).toThrow(RangeError);
    expect(() => new SequenceCounter(1.5).take('acme', 'repo')).toThrow(/safe integer/);
  });
});
