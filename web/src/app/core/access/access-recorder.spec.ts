import { ACCESS_BOUNDS } from '@audit-log/model/access';
import { describe, expect, it } from 'vitest';
import { REPEAT_WINDOW_MS, RepeatFilter, boundedFilters } from './access-recorder';

describe('RepeatFilter', () => {
  it('treats the same query within the window as one, and a later or different one as new', () => {
    const filter = new RepeatFilter();
    expect(filter.repeats('a', 0)).toBe(false);
    expect(filter.repeats('a', REPEAT_WINDOW_MS - 1)).toBe(true);
    expect(filter.repeats('b', REPEAT_WINDOW_MS)).toBe(false);
    expect(filter.repeats('a', REPEAT_WINDOW_MS + 1)).toBe(false);
    expect(filter.repeats('a', 3 * REPEAT_WINDOW_MS)).toBe(false);
  });
});

describe('boundedFilters', () => {
  it('leaves out empty fields and bounds each value', () => {
    const long = 'x'.repeat(ACCESS_BOUNDS.filterValueChars + 10);
    expect(boundedFilters({ range: '7d', level: null, q: '', type: undefined, actor: long })).toEqual({
      range: '7d',
      actor: 'x'.repeat(ACCESS_BOUNDS.filterValueChars),
    });
  });

  it('keeps at most the number of fields the server accepts', () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, 'v']));
    expect(Object.keys(boundedFilters(many))).toHaveLength(ACCESS_BOUNDS.filterNames);
  });
});
