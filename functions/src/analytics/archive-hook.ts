import { RollupAccumulator } from '@audit-log/model';
import type { Firestore } from 'firebase-admin/firestore';
import type { ArchiveRecord } from '../domain/archive';
import * as logs from './logs';
import { DELETION_STATES, rollupDoc, RollupStore } from './rollup-store';

// Tiering deletes a day's entries from Firestore once they are safe in the archive; the day's
// rollup must count them first, or the day's trends would vanish with them. These two steps run
// under the day's archive lease (tiering/archive-day.ts), before and after the day's parts.

/** Back-dated entries folded into one archived day at most; the rest show as `uncounted`. */
export const MAX_LATE_LOG_IDS = 5_000;

/**
 * Before tiering deletes anything of the day: a day nothing was deleted from yet gets a final
 * rollup from its warm entries (computed again when missing, partial or short of entries) and is
 * marked `archived`, which hands it from the rollup job to tiering. A day archived before, whose
 * parts are all settled, has only two kinds of warm entries: those kept warm by an earlier part
 * (counted already) and entries back-dated into it since; the latter are folded in, each once.
 */
export async function rollupBeforeArchive(
  db: Firestore,
  tenantId: string,
  date: string,
  parts: readonly ArchiveRecord[],
  now: Date,
): Promise<void> {
  const store = new RollupStore(db);
  const stored = await store.read(tenantId, date);
  if (!parts.some((p) => DELETION_STATES.has(p.state))) {
    const count = await store.warmCount(tenantId, date);
    if (stored?.final && stored.entries === count) {
      if (!stored.archived) await store.markArchived(tenantId, date);
      return;
    }
    const figures = await store.computeFigures(tenantId, date);
    await store.write(rollupDoc(tenantId, date, figures, { final: true, archived: true, computedAt: now }));
    return;
  }
  // Archived before analytics existed: there is no whole-day figure to add to.
  if (!stored) return;
  // Mid-deletion or restored: some warm entries are counted ones; the next run folds.
  if (!parts.every((p) => p.state === 'archived')) return;
  const counted = new Set([...stored.lateLogIds, ...parts.flatMap((p) => p.retainedLogIds)]);
  const acc = new RollupAccumulator();
  acc.merge(stored);
  const late: string[] = [];
  await store.forEachEntry(tenantId, date, (logId, entry) => {
    if (counted.has(logId) || stored.lateLogIds.length + late.length >= MAX_LATE_LOG_IDS) return;
    acc.add(entry);
    late.push(logId);
  });
  if (late.length === 0) return;
  await store.write(
    rollupDoc(tenantId, date, acc.result(), {
      final: true,
      archived: true,
      computedAt: now,
      lateLogIds: [...stored.lateLogIds, ...late],
      uncounted: stored.uncounted,
    }),
  );
  logs.lateEntriesFolded(tenantId, date, late.length);
}

/**
 * After the day's parts are archived: every entry of the day was deleted exactly once (a part's
 * `deletedCount`) or is still warm, so their sum is the day's size. More than the rollup counted
 * means entries were back-dated into the day while it was being archived and went to the archive
 * unseen: recorded as `uncounted`, so totals stay right and the gap is visible, never silent.
 */
export async function rollupAfterArchive(
  db: Firestore,
  tenantId: string,
  date: string,
  parts: readonly ArchiveRecord[],
): Promise<void> {
  if (parts.length === 0 || !parts.every((p) => p.state === 'archived')) return;
  const store = new RollupStore(db);
  const stored = await store.read(tenantId, date);
  if (!stored) return;
  const deleted = parts.reduce((sum, p) => sum + (p.deletedCount ?? 0), 0);
  const size = deleted + (await store.warmCount(tenantId, date));
  const uncounted = Math.max(0, size - stored.entries);
  if (uncounted === stored.uncounted) return;
  await store.setUncounted(tenantId, date, uncounted);
  if (uncounted > 0) logs.uncountedFound(tenantId, date, uncounted);
}
