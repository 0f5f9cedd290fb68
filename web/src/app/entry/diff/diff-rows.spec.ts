import { describe, expect, it } from 'vitest';
import { diffRows, flatten } from './diff-rows';

describe('diffRows', () => {
  it('pairs both sides by dotted path and marks the changed fields', () => {
    const rows = diffRows(
      {
        before: { name: 'web', visibility: 'private', settings: { wiki: true, issues: true }, labels: ['a'] },
        after: { name: 'web', visibility: 'public', settings: { wiki: false, issues: true }, labels: ['a', 'b'] },
      },
      ['labels', 'settings.wiki', 'visibility'],
      [],
    );
    expect(rows.map((r) => [r.path, r.before, r.after, r.kind, r.changed])).toEqual([
      ['labels', '["a"]', '["a","b"]', 'changed', true],
      ['name', '"web"', '"web"', 'unchanged', false],
      ['settings.issues', 'true', 'true', 'unchanged', false],
      ['settings.wiki', 'true', 'false', 'changed', true],
      ['visibility', '"private"', '"public"', 'changed', true],
    ]);
  });

  it('shows a create as added fields and a delete as removed fields', () => {
    expect(diffRows({ before: null, after: { id: 1 } }, ['id'], []).map((r) => [r.kind, r.before, r.after])).toEqual([
      ['added', null, '1'],
    ]);
    expect(diffRows({ before: { id: 1 }, after: null }, ['id'], []).map((r) => [r.kind, r.before, r.after])).toEqual([
      ['removed', '1', null],
    ]);
  });

  it('marks redacted values per side, including masked array items and nested keys', () => {
    const rows = diffRows(
      {
        before: { password: '[REDACTED]', hooks: ['[REDACTED:card]'], owner: { email: 'x' } },
        after: { password: '[REDACTED]', hooks: [], owner: { email: '[REDACTED:email]' } },
      },
      ['hooks', 'owner.email', 'password'],
      ['changes.before.password', 'changes.after.password', 'changes.before.hooks[0]', 'changes.after.owner.email'],
    );
    const byPath = Object.fromEntries(rows.map((r) => [r.path, r]));
    expect(byPath['password']).toMatchObject({ changed: true, beforeRedacted: true, afterRedacted: true });
    expect(byPath['hooks']).toMatchObject({ beforeRedacted: true, afterRedacted: false });
    expect(byPath['owner.email']).toMatchObject({ beforeRedacted: false, afterRedacted: true });
  });

  it('highlights a value that turned from a leaf into an object', () => {
    const rows = diffRows({ before: { a: 1 }, after: { a: { b: 2 } } }, ['a'], []);
    expect(rows.map((r) => [r.path, r.kind, r.changed])).toEqual([
      ['a', 'removed', true],
      ['a.b', 'added', true],
    ]);
  });

  it('returns no rows without changes', () => {
    expect(diffRows(undefined, [], [])).toEqual([]);
  });

  it('flattens like the ingest diff: arrays and empty objects are single values', () => {
    expect([...flatten({ a: { b: { c: 1 } }, d: [1, 2], e: {} }).entries()]).toEqual([
      ['a.b.c', 1],
      ['d', [1, 2]],
      ['e', {}],
    ]);
  });
});
