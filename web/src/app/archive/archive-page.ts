import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { Session } from '../core/auth/session';
import { firestoreErrorMessage } from '../core/firestore/firestore-errors';
import { liveQuery } from '../core/live-query';
import { ArchiveList } from './archive-list';
import { canRestoreArchives, groupByDay, type ArchiveDayView, type ArchivePartView } from './archive-model';
import { ArchiveStore } from './archive-store';
import { ColdSearch } from './cold-search';
import { RestoreDialog, type RestoreDialogData } from './restore-dialog';

/**
 * The cold tier of the tenant: archived days, live from `audit_archives` (the tiering job's
 * catalog), a search over the Parquet files with the console's filters, and for tenant admins a
 * restore of one day back to Firestore.
 */
@Component({
  selector: 'app-archive-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ArchiveList, ColdSearch, MatIconModule, RouterLink],
  templateUrl: './archive-page.html',
  styleUrl: './archive-page.scss',
})
export class ArchivePage {
  private readonly session = inject(Session);
  private readonly store = inject(ArchiveStore);
  private readonly dialog = inject(MatDialog);

  private readonly archives = liveQuery<string, { parts: ArchivePartView[]; limited: boolean }>({
    params: () => this.session.tenantId() || undefined,
    watch: (tenantId, next, fail) => this.store.watchList(tenantId, (parts, limited) => next({ parts, limited }), fail),
    initial: { parts: [], limited: false },
  });
  protected readonly days = computed(() => groupByDay(this.archives.value().parts));
  // Only a result counts: a failure shows as `problem`, and without a tenant nothing loads.
  protected readonly loaded = computed(() => this.archives.status() === 'live');
  protected readonly limited = computed(() => this.archives.value().limited);
  protected readonly problem = computed(() => firestoreErrorMessage(this.archives.error()));
  protected readonly canRestore = computed(() => canRestoreArchives(this.session.claims(), this.session.tenantId()));

  protected openRestore(day: ArchiveDayView): void {
    this.dialog.open<RestoreDialog, RestoreDialogData>(RestoreDialog, { data: { day }, width: '560px' });
  }
}
