import type { RollupRunReport } from '@audit-log/model/callables';
import type { Firestore } from 'firebase-admin/firestore';
import { readTenantSettings } from '../domain';
import { decideDay, isFinalDay, runDays } from '../domain/analytics';
import { COLLECTIONS } from '../store/collections';
import { StoredDocumentError } from '@audit-log/model/stored-document';
import * as logs from './logs';
import { rollupDoc, RollupStore } from './rollup-store';
import { allTenantIds } from '../store/tenant-ids';

export interface RollupJobOptions {
  /** Only these tenants (default: every tenant document). */
  tenantIds?: readonly string[];
  /** First and last day (default: the tenant's warm window up to today). */
  from?: string;
  to?: string;
  now?: () => Date;
  /** Stop starting new days after this instant (ms), so a run ends inside its function timeout. */
  deadlineMs?: number;
  /** Entries read per page (default 1,000). */
  pageSize?: number;
}

export type { RollupRunReport };

/**
 * The rollup job (docs/analytics.md): for each tenant and each day of the run, newest first, reads
 * the stored rollup and counts the day's warm entries; a day that is missing, not final, or has
 * gained entries since is read once, page by page, and its rollup written. Days that tiering took
 * over are left to tiering. A plain module: the daily schedule and the `runRollups` callable run it.
 */
export async function runRollupJob(db: Firestore, options: RollupJobOptions = {}): Promise<RollupRunReport> {
  const clock = options.now ?? (() => new Date());
  const started = clock().getTime();
  const store = new RollupStore(db, options.pageSize);
  const report: RollupRunReport = {
    tenants: 0,
    daysChecked: 0,
    computed: [],
    archivedWithoutRollup: [],
    malformed: [],
    reads: 0,
    writes: 0,
    durationMs: 0,
    stoppedAtDeadline: false,
  };
  const overDeadline = () => options.deadlineMs !== undefined && clock().getTime() >= options.deadlineMs;
  const tenantIds = options.tenantIds ? [...options.tenantIds] : await allTenantIds(db);
  outer: for (const tenantId of tenantIds) {
    report.tenants++;
    const tenant = await db.collection(COLLECTIONS.tenants).doc(tenantId).get();
    store.meter.reads++;
    const { settings } = readTenantSettings(tenant.data());
    for (const date of runDays(clock().getTime(), settings.retentionDays, options.from, options.to)) {
      if (overDeadline()) {
        report.stoppedAtDeadline = true;
        break outer;
      }
      report.daysChecked++;
      const { rollup: stored, version } = await readOrReport(store, tenantId, date, report);
      const state = RollupStore.state(stored);
      const count = state?.archived ? 0 : await store.warmCount(tenantId, date);
      // Only a day that would otherwise be computed pays the archive look-up.
      const tentative = decideDay(state, count, false);
      const decision =
        tentative === 'compute' ? decideDay(state, count, await store.archiveStarted(tenantId, date)) : tentative;
      if (decision === 'archived') {
        if (!stored) report.archivedWithoutRollup.push({ tenantId, date });
        continue;
      }
      if (decision === 'fresh') continue;
      const computedAt = clock();
      const figures = await store.computeFigures(tenantId, date);
      const final = isFinalDay(date, computedAt.getTime());
      const written = await store.writeIfUnchanged(
        rollupDoc(tenantId, date, figures, { final, archived: false, computedAt }),
        version,
      );
      if (!written) continue;
      report.computed.push({ tenantId, date, entries: figures.entries, final });
      logs.dayRolledUp(tenantId, date, figures.entries, final);
    }
  }
  report.reads = store.meter.reads;
  report.writes = store.meter.writes;
  report.durationMs = clock().getTime() - started;
  logs.runFinished(report);
  return report;
}

/**
 * The stored rollup of a day; a malformed one is reported (with the fields that are wrong) and
 * read as none, so the day is computed afresh from its entries instead of the run stopping. A
 * rollup is derived data: its entries are the truth. The version is kept, so the fresh write
 * still loses to a concurrent writer (tiering).
 */
async function readOrReport(
  store: RollupStore,
  tenantId: string,
  date: string,
  report: RollupRunReport,
): ReturnType<RollupStore['readVersioned']> {
  try {
    return await store.readVersioned(tenantId, date);
  } catch (err) {
    if (!(err instanceof StoredDocumentError)) throw err;
    logs.malformedRollup(tenantId, date, err);
    report.malformed.push({ tenantId, date, error: err.message });
    return { rollup: null, version: await store.versionOf(tenantId, date) };
  }
}
