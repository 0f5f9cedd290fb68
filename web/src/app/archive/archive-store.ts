import { Injectable, inject } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import { collection, limit, onSnapshot, orderBy, query, where } from 'firebase/firestore';
import { Commands } from '../commands/commands';
import { toArchivePart, type ArchivePartView, type RestoreRequest, type RestoreResult } from './archive-model';
import type { ColdSearchRequest, ColdSearchResponse } from './cold-search-model';

/** About a year of daily archives; older ones are found by cold search with a time range. */
export const ARCHIVE_LIST_LIMIT = 400;

/**
 * The cold tier: a live view of the tenant's `audit_archives` (always scoped by `tenantId`, which
 * the rules require; served by the `tenantId, date desc` index) and the archive callables.
 */
@Injectable({ providedIn: 'root' })
export class ArchiveStore {
  private readonly db = inject(Firestore);
  private readonly commands = inject(Commands);

  /** Streams the tenant's archive parts, newest day first. */
  watchList(
    tenantId: string,
    onItems: (items: ArchivePartView[], limited: boolean) => void,
    onError: (err: unknown) => void,
  ): () => void {
    const q = query(
      collection(this.db, 'audit_archives'),
      where('tenantId', '==', tenantId),
      orderBy('date', 'desc'),
      limit(ARCHIVE_LIST_LIMIT),
    );
    return onSnapshot(
      q,
      (snap) =>
        onItems(
          snap.docs.map((d) => toArchivePart(d.id, d.data())),
          snap.size >= ARCHIVE_LIST_LIMIT,
        ),
      onError,
    );
  }

  search(request: ColdSearchRequest): Promise<ColdSearchResponse> {
    return this.commands.call('searchArchives', request);
  }

  restore(request: RestoreRequest): Promise<RestoreResult> {
    return this.commands.call('restoreArchiveDay', request);
  }
}
