import type { PurgeReport } from '@audit-log/model/callables';
import { rm } from 'node:fs/promises';
import {
  ArchiveError,
  archiveId,
  coldCutoffDate,
  COLD_RETENTION_DAYS,
  transition,
  type ArchiveRecord,
} from '../domain/archive';
import type { TieringDeps, TieringOptions } from './context';
import { runContext } from './job';
import * as logs from './logs';
import { deleteObject } from './storage';

export interface PurgeOptions extends TieringOptions {
  /** Cold retention in days (default 2557, seven years; the bucket lifecycle rule is the backstop). */
  coldRetentionDays?: number;
}

/** What a purge run did: the `purgeArchives` answer of the callable map. */
export type { PurgeReport };

/**
 * Deletes archives whose day is past cold retention. Each purge is recorded: the part moves
 * `archived → purging → purged` (with `purgedAt` and the manifest kept in its document, so what
 * was deleted stays provable) and a `compliance.archive.purged` event is ingested.
 */
export async function runPurgeJob(deps: TieringDeps, options: PurgeOptions = {}): Promise<PurgeReport> {
  const ctx = await runContext(deps, options);
  const cutoffDate = coldCutoffDate(ctx.now(), options.coldRetentionDays ?? COLD_RETENTION_DAYS);
  const report: PurgeReport = { runId: ctx.store.owner, cutoffDate, purged: [], busy: [] };
  logs.runStarted('purge', report.runId, options.tenantIds?.length ?? 0);
  try {
    for (const part of await ctx.store.expired(cutoffDate, options.tenantIds)) {
      const id = archiveId(part.tenantId, part.date, part.part);
      try {
        await ctx.store.acquire(part.tenantId, part.date, 'purge');
      } catch (err) {
        if (err instanceof ArchiveError && err.code === 'lease_held') {
          report.busy.push(id);
          continue;
        }
        throw err;
      }
      try {
        // Re-read under the lease: a restore may have started since the query.
        const current = (await ctx.store.parts(part.tenantId, part.date)).find((p) => p.part === part.part);
        if (!current || (current.state !== 'archived' && current.state !== 'purging')) continue;
        const purged = await purgePart(ctx, current);
        report.purged.push({
          archiveId: id,
          objectPath: purged.objectPath,
          rows: purged.rowCount,
          sha256: purged.manifest?.sha256 ?? null,
          merkleRoot: purged.merkleRoot,
        });
      } finally {
        await ctx.store.release(part.tenantId, part.date).catch(() => undefined);
      }
    }
  } finally {
    await rm(ctx.workDir, { recursive: true, force: true });
  }
  logs.runFinished('purge', report.runId, { 'purge.cutoff_date': cutoffDate, 'purge.count': report.purged.length });
  return report;
}

async function purgePart(ctx: Awaited<ReturnType<typeof runContext>>, part: ArchiveRecord): Promise<ArchiveRecord> {
  let rec = part;
  if (rec.state === 'archived') {
    rec = transition(rec, 'purging', ctx.now());
    await ctx.store.save(rec);
  }
  await ctx.hook('purging', { record: rec });
  await deleteObject(ctx.deps.bucket, rec.objectPath);
  await deleteObject(ctx.deps.bucket, rec.manifestPath);
  const id = archiveId(rec.tenantId, rec.date, rec.part);
  rec = transition(rec, 'purged', ctx.now(), { purgedAtMs: ctx.now() }, 'cold retention ended');
  await ctx.store.save(rec);
  logs.step('purged', rec.tenantId, rec.date, rec.part, { 'archive.rows': rec.rowCount });
  const logId = await ctx.deps.emit({
    type: 'compliance.archive.purged',
    tenantId: rec.tenantId,
    eventId: `archive-purged:${id}`,
    archiveId: id,
    objectPath: rec.objectPath,
    // Wall-clock time: the injected clock decides retention, events say when things happened.
    occurredAt: new Date(),
    details: {
      date: rec.date,
      part: rec.part,
      rowCount: rec.rowCount,
      sha256: rec.manifest?.sha256 ?? null,
      merkleRoot: rec.merkleRoot,
    },
  });
  if (logId) {
    rec = { ...rec, purgeEventLogId: logId, updatedAtMs: ctx.now() };
    await ctx.store.save(rec);
  }
  return rec;
}
