import { describe, expect, it } from 'vitest';
import { pagesOfPopulations } from './populations';

/** Two populations of three pages each; pages are named `<population>:<index>`, cursors the index. */
function reader(log: string[]) {
  return async function* read(population: number, cursor: number | null): AsyncGenerator<string> {
    log.push(`open ${population} after ${cursor}`);
    try {
      for (let i = cursor === null ? 0 : cursor + 1; i < 3; i++) {
        // A page arrives from a query: later, not in the same turn.
        await Promise.resolve();
        yield `${population}:${i}`;
      }
    } finally {
      log.push(`close ${population}`);
    }
  };
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

describe('pagesOfPopulations', () => {
  it('reads every population in order from the start', async () => {
    const log: string[] = [];
    const pages = await collect(pagesOfPopulations(2, { population: 0, cursor: null }, reader(log)));
    expect(pages.map((p) => p.page)).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1', '1:2']);
    expect(pages.map((p) => p.population)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('resumes a hand-over within a later population after its cursor, and reads the next ones whole', async () => {
    const log: string[] = [];
    const pages = await collect(pagesOfPopulations(3, { population: 1, cursor: 0 }, reader(log)));
    expect(pages.map((p) => p.page)).toEqual(['1:1', '1:2', '2:0', '2:1', '2:2']);
    expect(log.filter((l) => l.startsWith('open'))).toEqual(['open 1 after 0', 'open 2 after null']);
  });

  it('closes the open reader when the consumer stops early', async () => {
    const log: string[] = [];
    for await (const { page } of pagesOfPopulations(2, { population: 0, cursor: null }, reader(log))) {
      if (page === '1:0') break;
    }
    expect(log).toEqual(['open 0 after null', 'close 0', 'open 1 after null', 'close 1']);
  });

  it('reads nothing once past the last population', async () => {
    const log: string[] = [];
    expect(await collect(pagesOfPopulations(2, { population: 2, cursor: null }, reader(log)))).toEqual([]);
    expect(log).toEqual([]);
  });
});
