import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The usual order (failed first, then longest first), except for files that must open or close
 * their suite: a step whose second half waits on the clock runs its first half first and its
 * second half last, so the wait passes while the other files run.
 */
export function sequencerOpeningAndClosingWith(first: readonly string[], last: readonly string[]) {
  const rank = (file: TestSpecification): number =>
    first.some((f) => file.moduleId.endsWith(f)) ? 0 : last.some((f) => file.moduleId.endsWith(f)) ? 2 : 1;
  return class OpeningAndClosingSequencer extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const sorted = await super.sort(files);
      // Projects keep their order (each opens and closes its own run); Array.prototype.sort is
      // stable, so within a project and rank the usual order stays.
      const projects = [...new Set(sorted.map((f) => f.project.name))];
      const project = (f: TestSpecification) => projects.indexOf(f.project.name);
      return sorted.sort((a, b) => project(a) - project(b) || rank(a) - rank(b));
    }
  };
}
