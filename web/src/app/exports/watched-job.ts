import { computed, type Signal } from '@angular/core';
import { liveQuery } from '../core/live-query';
import { isActive, progressLine, type ExportJobView } from './export-model';
import type { ExportStore } from './export-store';

/** A started export job, watched live so its progress moves as the worker reports. */
export interface WatchedExportJob {
  /** The job as last read; null before one is started (or when it is gone). */
  readonly job: Signal<ExportJobView | null>;
  /** The listener's failure, if any. */
  readonly error: Signal<unknown>;
  /** Still queued or running. */
  readonly active: Signal<boolean>;
  /** `Running · 400 of 1,000 rows · 1.2 KB`, or '' before a job. */
  readonly progress: Signal<string>;
}

/**
 * Watches the job whose id `id()` names (none while it is null), for the dialogs that start one.
 * Call in an injection context (a component's field initialisers).
 */
export function watchExportJob(store: Pick<ExportStore, 'watch'>, id: () => string | null): WatchedExportJob {
  const watched = liveQuery<string, ExportJobView | null>({
    params: () => id() ?? undefined,
    watch: (jobId, next, fail) => store.watch(jobId, next, fail),
    initial: null,
  });
  const job = watched.value;
  return {
    job,
    error: watched.error,
    active: computed(() => {
      const j = job();
      return j !== null && isActive(j.state);
    }),
    progress: computed(() => {
      const j = job();
      return j === null ? '' : progressLine(j);
    }),
  };
}
