import { Injectable, inject } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import { collection, getDocs, limit, orderBy, query, where, type QueryConstraint } from 'firebase/firestore';
import { ArchiveStore } from '../../archive/archive-store';
import { describeProblems, planColdSearch } from '../../archive/cold-search-model';
import { AccessRecorder, newQueryId } from '../../core/access/access-recorder';
import { Session } from '../../core/auth/session';
import type { LogFilter } from '../filters/log-filter';
import type { QueryScope } from '../query/log-query';
import { archivableDays, coldPages, type ColdOpening } from './archive-reach';

/** Archive states whose rows cold search reads (a restored day is warm again). */
const SEARCHABLE_STATES = ['deleting', 'archived', 'restoring'];

/** What the log table's data source asks before a search: is any of its range archived? */
export interface ColdTier {
  open(filter: LogFilter, scope: QueryScope, now: Date, pageSize: number): Promise<ColdOpening>;
}

/**
 * The archive side of log search, entity history and actor activity: one query of the tenant's
 * `audit_archives` (served by the `tenantId, state, date desc` index, one document at most) for
 * ranges that can hold archived days, then pages of the `searchArchives` callable with the same
 * filter. Ranges that cannot hold archived days ask nothing at all.
 */
@Injectable({ providedIn: 'root' })
export class ArchiveTier implements ColdTier {
  private readonly db = inject(Firestore);
  private readonly store = inject(ArchiveStore);
  private readonly session = inject(Session);
  private readonly access = inject(AccessRecorder);

  async open(filter: LogFilter, scope: QueryScope, now: Date, pageSize: number): Promise<ColdOpening> {
    const days = archivableDays(filter.range, now);
    if (days === null || scope.tenantId === '') return { kind: 'none' };
    const constraints: QueryConstraint[] = [
      where('tenantId', '==', scope.tenantId),
      where('state', 'in', SEARCHABLE_STATES),
      where('date', '<=', days.toDay),
    ];
    if (days.fromDay !== null) constraints.push(where('date', '>=', days.fromDay));
    const archived = await getDocs(
      query(collection(this.db, 'audit_archives'), ...constraints, orderBy('date', 'desc'), limit(1)),
    );
    if (archived.empty) return { kind: 'none' };
    const plan = planColdSearch(filter, {
      now,
      pageSize: Math.min(pageSize, 200),
      // A platform admin names the tenant in view; the server takes everyone else's from their claims.
      tenantId: this.session.claims().platformAdmin ? scope.tenantId : null,
    });
    if ('problems' in plan) return { kind: 'skipped', reasons: describeProblems(plan.problems) };
    const newestDay = String(archived.docs[0]!.get('date'));
    // Every page carries the query's id, so the query is recorded once however many pages it reads.
    const queryId = newQueryId();
    const request = { ...plan.request, queryId };
    return {
      kind: 'read',
      read: coldPages(request, async (page) => {
        await this.access.settled(queryId);
        return this.store.search(page);
      }),
      coldBeforeMs: Date.parse(`${newestDay}T00:00:00.000Z`) + 86_400_000,
      archive: { queryId, request },
    };
  }
}
