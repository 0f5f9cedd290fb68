/**
 * Counts the billed operations of a run, so the job's cost is measured, not guessed: Firestore
 * bills a query one read per document returned and at least one, and a count() aggregation one
 * read per 1,000 index entries counted (at least one).
 */
export class Meter {
  reads = 0;
  writes = 0;
  storageWrites = 0;
  storageReads = 0;

  query(size: number): void {
    this.reads += Math.max(1, size);
  }

  counted(n: number): void {
    this.reads += Math.max(1, Math.ceil(n / 1000));
  }
}
