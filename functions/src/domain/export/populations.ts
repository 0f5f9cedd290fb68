/**
 * Where an export job stands among its populations (one for a plain export; the subject's parts
 * for a subject access export): the population being read and the position after the last row
 * written of it. A slice that hands over records it; the next slice resumes exactly there.
 */
export interface PopulationPosition<C> {
  population: number;
  cursor: C | null;
}

/**
 * The pages of a job's populations from `start`: the rest of population `start.population` after
 * `start.cursor`, then every later population from its beginning, each read by `read`. Stopping
 * early (a hand-over, a cancellation) closes the reader of the population being read.
 */
export async function* pagesOfPopulations<C, Page>(
  count: number,
  start: PopulationPosition<C>,
  read: (population: number, cursor: C | null) => AsyncIterable<Page>,
): AsyncGenerator<{ population: number; page: Page }> {
  for (let population = start.population, cursor = start.cursor; population < count; population++, cursor = null) {
    for await (const page of read(population, cursor)) yield { population, page };
  }
}
