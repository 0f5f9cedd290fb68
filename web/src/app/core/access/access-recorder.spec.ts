import { ACCESS_BOUNDS } from '@audit-log/model/access';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';
import { Commands } from '../../commands/commands';
import { AccessRecorder, REPEAT_WINDOW_MS, RepeatFilter, boundedFilters } from './access-recorder';

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

describe('AccessRecorder', () => {
  /** A recorder whose `recordAccess` calls wait until the test answers them. */
  function recorderWithHeldCalls() {
    const calls: Array<{ name: string; request: Record<string, unknown>; answer: () => void }> = [];
    const commands = {
      call: (name: string, request: Record<string, unknown>) =>
        new Promise<unknown>((resolve) => calls.push({ name, request, answer: () => resolve({}) })),
    };
    TestBed.configureTestingModule({ providers: [{ provide: Commands, useValue: commands }] });
    return { recorder: TestBed.inject(AccessRecorder), calls };
  }
  const tick = () => new Promise((r) => setTimeout(r, 0));
  const archive = { queryId: 'query-0000000000000002', request: { pageSize: 50, queryId: 'query-0000000000000002' } };

  it("reports a search's archive part, and holds that query's next archive page until the report is answered", async () => {
    const { recorder, calls } = recorderWithHeldCalls();
    recorder.searched('log_search', 't-1', { range: 'all' }, 12, archive);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.name).toBe('recordAccess');
    expect(calls[0]!.request).toMatchObject({ tenantId: 't-1', kind: 'search', returned: 12, archive });
    let pageMaySend = false;
    void recorder.settled(archive.queryId).then(() => (pageMaySend = true));
    await tick();
    expect(pageMaySend).toBe(false);
    calls[0]!.answer();
    await tick();
    expect(pageMaySend).toBe(true);
    // Other queries, and queries without a report in flight, never wait.
    await recorder.settled('query-without-report');
  });

  it('reports an archived entry view with the archive read it shares a record with', () => {
    const { recorder, calls } = recorderWithHeldCalls();
    recorder.viewed('entry_detail', 't-1', 'log-1', archive);
    recorder.viewed('entry_detail', 't-1', 'log-2');
    expect(calls.map((c) => c.request['archive'] ?? null)).toEqual([archive, null]);
  });
});
