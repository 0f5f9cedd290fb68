import { describe, expect, it } from 'vitest';
import type { ColdSearchRequest, ColdSearchResponse } from './cold-search-model';
import { ColdSearchSource } from './cold-search-source';

const entry = (logId: string) => ({ logId, occurredAt: '2025-01-01T00:00:00.000Z', actor: { type: 'user', id: 'u' } });

/** A fake `searchArchives`: answers are queued per call; every request is recorded. */
function fakeServer(answers: Array<ColdSearchResponse | Error>) {
  const requests: ColdSearchRequest[] = [];
  const search = (request: ColdSearchRequest) => {
    requests.push(request);
    const next = answers.shift();
    if (!next) return Promise.reject(new Error('no more answers'));
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { requests, search };
}

describe('ColdSearchSource', () => {
  it('pages with the cursor and re-sends exactly the first request, its query id included', async () => {
    const server = fakeServer([
      { entries: [entry('a'), entry('b')], nextCursor: 'c1', partial: false, days: ['2025-01-02', '2025-01-01'] },
      { entries: [entry('c')], nextCursor: null, partial: false, days: ['2025-01-01'] },
    ]);
    const source = new ColdSearchSource(server.search);
    expect(source.status()).toBe('idle');
    await source.run({ pageSize: 2, from: '2024-01-01T00:00:00.000Z', keyword: 'x' });
    expect(source.rows().map((r) => r.logId)).toEqual(['a', 'b']);
    expect(source.hasMore()).toBe(true);
    await source.more();
    // One query id for all pages of a search: the server records the search once.
    const queryId = server.requests[0]!.queryId!;
    expect(queryId).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(server.requests).toEqual([
      { pageSize: 2, from: '2024-01-01T00:00:00.000Z', keyword: 'x', queryId },
      { pageSize: 2, from: '2024-01-01T00:00:00.000Z', keyword: 'x', queryId, cursor: 'c1' },
    ]);
    expect(source.rows().map((r) => r.logId)).toEqual(['a', 'b', 'c']);
    expect(source.days()).toEqual(['2025-01-02', '2025-01-01']);
    expect(source.hasMore()).toBe(false);
    expect(source.status()).toBe('ready');
    await source.more();
    expect(server.requests).toHaveLength(2);
    // A new search is a new query.
    await source.run({ pageSize: 2 }).catch(() => undefined);
    expect(server.requests[2]!.queryId).not.toBe(queryId);
  });

  it('keeps a partial page resumable and reports an empty result as ready', async () => {
    const server = fakeServer([{ entries: [], nextCursor: 'c2', partial: true, days: ['2025-01-31'] }]);
    const source = new ColdSearchSource(server.search);
    await source.run({ pageSize: 50 });
    expect(source.rows()).toEqual([]);
    expect(source.status()).toBe('ready');
    expect(source.partial()).toBe(true);
    expect(source.hasMore()).toBe(true);
  });

  it("shows the callable's field-level errors named after the form fields", async () => {
    const failure = Object.assign(new Error('invalid search request'), {
      code: 'functions/invalid-argument',
      details: { code: 'invalid_argument', errors: [{ path: 'from', message: 'must be before to' }] },
    });
    const source = new ColdSearchSource(fakeServer([failure]).search);
    await source.run({ pageSize: 50 });
    expect(source.status()).toBe('error');
    expect(source.error()).toEqual({
      code: 'invalid_argument',
      message: 'invalid search request',
      fields: ['From: must be before to'],
    });
  });

  it('keeps loaded rows and the cursor when a later page fails, so Load more can retry', async () => {
    const server = fakeServer([
      { entries: [entry('a')], nextCursor: 'c1', partial: false, days: [] },
      new Error('network down'),
      { entries: [entry('b')], nextCursor: null, partial: false, days: [] },
    ]);
    const source = new ColdSearchSource(server.search);
    await source.run({ pageSize: 1 });
    await source.more();
    expect(source.status()).toBe('error');
    expect(source.rows().map((r) => r.logId)).toEqual(['a']);
    expect(source.hasMore()).toBe(true);
    await source.more();
    expect(source.rows().map((r) => r.logId)).toEqual(['a', 'b']);
    expect(source.error()).toBeNull();
  });

  it('drops the answer of a search that a newer one replaced', async () => {
    let release: (value: ColdSearchResponse) => void = () => undefined;
    const slow = new Promise<ColdSearchResponse>((resolve) => (release = resolve));
    const answers = [
      () => slow,
      () => Promise.resolve({ entries: [entry('new')], nextCursor: null, partial: false, days: [] }),
    ];
    const source = new ColdSearchSource(() => answers.shift()!());
    const first = source.run({ pageSize: 50, keyword: 'old' });
    await source.run({ pageSize: 50, keyword: 'new' });
    release({ entries: [entry('old')], nextCursor: 'stale', partial: false, days: [] });
    await first;
    expect(source.rows().map((r) => r.logId)).toEqual(['new']);
    expect(source.hasMore()).toBe(false);
  });

  it('shows problems found before the call without calling', () => {
    const server = fakeServer([]);
    const source = new ColdSearchSource(server.search);
    source.fail({ code: 'invalid_argument', message: 'Check the filters.', fields: ['Outcome: one at a time'] });
    expect(source.status()).toBe('error');
    expect(source.error()?.fields).toEqual(['Outcome: one at a time']);
    expect(server.requests).toHaveLength(0);
  });
});
