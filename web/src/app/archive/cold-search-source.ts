import { computed, signal } from '@angular/core';
import { CommandFailure } from '../commands/commands';
import { newQueryId } from '../core/access/access-recorder';
import {
  describeProblems,
  toColdEntry,
  type ColdEntry,
  type ColdSearchRequest,
  type ColdSearchResponse,
} from './cold-search-model';

/** What went wrong with a search, with the server's field-level messages named after the form fields. */
export interface ColdSearchError {
  readonly code: string;
  readonly message: string;
  readonly fields: readonly string[];
}

export type ColdSearchStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * Owns one cold search and its pages: the request of the first page is kept and re-sent with the
 * cursor, so "Load more" continues exactly the search the user started. A newer search makes the
 * answers of older ones irrelevant; they are dropped when they arrive.
 */
export class ColdSearchSource {
  private readonly state = signal<ColdSearchStatus>('idle');
  private readonly rowsSignal = signal<readonly ColdEntry[]>([]);
  private readonly cursor = signal<string | null>(null);
  private readonly errorSignal = signal<ColdSearchError | null>(null);
  private readonly daysSignal = signal<readonly string[]>([]);
  private readonly partialSignal = signal(false);
  private request: ColdSearchRequest | null = null;
  private generation = 0;

  readonly status = this.state.asReadonly();
  readonly rows = this.rowsSignal.asReadonly();
  readonly error = this.errorSignal.asReadonly();
  /** Archived days read so far, newest first. */
  readonly days = this.daysSignal.asReadonly();
  /** The last page stopped at the server's day budget, not at a full page. */
  readonly partial = this.partialSignal.asReadonly();
  readonly loading = computed(() => this.state() === 'loading');
  readonly hasMore = computed(() => this.cursor() !== null);

  constructor(private readonly search: (request: ColdSearchRequest) => Promise<ColdSearchResponse>) {}

  /**
   * Starts a new search; earlier results are cleared. Its pages share a new query id, so the
   * server records the search once, not once per "Load more".
   */
  async run(request: ColdSearchRequest): Promise<void> {
    const { cursor: _drop, ...rest } = request;
    const first = { ...rest, queryId: newQueryId() };
    this.request = first;
    this.rowsSignal.set([]);
    this.daysSignal.set([]);
    this.cursor.set(null);
    this.partialSignal.set(false);
    await this.fetch(first, ++this.generation);
  }

  /** Fetches the next page of the current search, if there is one. */
  async more(): Promise<void> {
    const cursor = this.cursor();
    if (!this.request || cursor === null || this.loading()) return;
    await this.fetch({ ...this.request, cursor }, this.generation);
  }

  /** Shows problems found before asking the server (e.g. by the filter check). */
  fail(error: ColdSearchError): void {
    this.generation++;
    this.request = null;
    this.rowsSignal.set([]);
    this.cursor.set(null);
    this.errorSignal.set(error);
    this.state.set('error');
  }

  private async fetch(request: ColdSearchRequest, generation: number): Promise<void> {
    this.state.set('loading');
    this.errorSignal.set(null);
    try {
      const answer = await this.search(request);
      if (generation !== this.generation) return;
      const rows = answer.entries.map(toColdEntry).filter((e): e is ColdEntry => e !== null);
      this.rowsSignal.update((before) => [...before, ...rows]);
      this.daysSignal.update((before) => [...before, ...answer.days.filter((d) => !before.includes(d))]);
      this.cursor.set(answer.nextCursor);
      this.partialSignal.set(answer.partial);
      this.state.set('ready');
    } catch (err) {
      if (generation !== this.generation) return;
      const failure = CommandFailure.from(err);
      this.errorSignal.set({
        code: failure.code,
        message: failure.message,
        fields: describeProblems(failure.fields),
      });
      this.state.set('error');
    }
  }
}
