import { describe, expect, it } from 'vitest';
import { changedFields, jsonEqual } from './diff';

describe('changedFields', () => {
  it('lists the deep dotted paths of an update, sorted', () => {
    const before = { name: 'api', settings: { merge: { squash: true, rebase: false }, wiki: true }, topics: ['a'] };
    const after = { name: 'api', settings: { merge: { squash: false, rebase: false }, wiki: false }, topics: ['a'] };
    expect(changedFields(before, after)).toEqual(['settings.merge.squash', 'settings.wiki']);
  });

  it('counts added and removed keys', () => {
    expect(changedFields({ a: 1, gone: true }, { a: 1, added: 'x' })).toEqual(['added', 'gone']);
  });

  it('treats an array as one value', () => {
    expect(changedFields({ labels: ['bug', 'ui'] }, { labels: ['ui', 'bug'] })).toEqual(['labels']);
    expect(changedFields({ labels: ['bug'] }, { labels: ['bug', 'ui'] })).toEqual(['labels']);
    expect(changedFields({ list: [{ a: 1 }] }, { list: [{ a: 1 }] })).toEqual([]);
    expect(changedFields({ list: [{ a: 1 }] }, { list: [{ a: 2 }] })).toEqual(['list']);
  });

  it('reports a change of type at the path where it happens', () => {
    expect(changedFields({ owner: { id: 1 } }, { owner: 'team-a' })).toEqual(['owner']);
    expect(changedFields({ owner: null }, { owner: { id: 1 } })).toEqual(['owner']);
    expect(changedFields({ n: 1 }, { n: '1' })).toEqual(['n']);
  });

  it('finds nothing when both sides are equal, whatever the key order', () => {
    expect(changedFields({ a: 1, b: { c: [1, 2], d: null } }, { b: { d: null, c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it('lists every leaf of a create', () => {
    expect(changedFields(null, { name: 'api', settings: { wiki: true, merge: { squash: true } }, topics: [] })).toEqual(
      ['name', 'settings.merge.squash', 'settings.wiki', 'topics'],
    );
  });

  it('lists every leaf of a delete', () => {
    expect(changedFields({ name: 'api', owner: { id: 'u-1' } }, null)).toEqual(['name', 'owner.id']);
  });

  it('keeps an empty object as a leaf', () => {
    expect(changedFields(null, { settings: {} })).toEqual(['settings']);
  });

  it('is empty without changes', () => {
    expect(changedFields(null, null)).toEqual([]);
  });
});

describe('jsonEqual', () => {
  it('compares JSON values structurally', () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: 1 }, { b: 1 })).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual(1, '1')).toBe(false);
  });

  it('does not mistake inherited properties for keys', () => {
    expect(jsonEqual({ toString: 1 }, { other: 1 })).toBe(false);
    expect(jsonEqual({ a: undefined }, { b: undefined })).toBe(false);
  });
});
