/**
 * Per-source sequence numbers. The contract's `sequence` increases per `(tenantId, source)` so the
 * server can spot gaps (a lost event) without relying on arrival order, which neither Pub/Sub nor
 * Firestore triggers keep.
 *
 * The counter lives in the producing process. Several processes that share one `source` would
 * interleave their numbers, so give each replica its own source (`repo-service/pod-7`) or pass a
 * `start` that continues where the last run stopped.
 */
export class SequenceCounter {
  private readonly next = new Map<string, number>();

  /**
   * @param start first number of a `(tenantId, source)` pair: a fixed value, or a function that
   *   returns it (read a persisted high-water mark, for example)
   */
  constructor(private readonly start: number | ((tenantId: string, source: string) => number) = 0) {}

  /** Takes the next number for the pair. */
  take(tenantId: string, source: string): number {
    const key = `${tenantId}\n${source}`;
    const value = this.next.get(key) ?? this.first(tenantId, source);
    this.next.set(key, value + 1);
    return value;
  }

  /** The number `take()` would return next, without taking it. */
  peek(tenantId: string, source: string): number {
    return this.next.get(`${tenantId}\n${source}`) ?? this.first(tenantId, source);
  }

  private first(tenantId: string, source: string): number {
    const value = typeof this.start === 'function' ? this.start(tenantId, source) : this.start;
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`sequence start for ${tenantId}/${source} must be a safe integer >= 0, got ${value}`);
    }
    return value;
  }
}
