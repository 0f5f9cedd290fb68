import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { Session } from '../core/auth/session';
import { describeFirestoreError } from '../core/firestore/firestore-errors';
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

  private readonly parts = signal<ArchivePartView[]>([]);
  protected readonly days = computed(() => groupByDay(this.parts()));
  protected readonly loaded = signal(false);
  protected readonly limited = signal(false);
  protected readonly problem = signal<string | null>(null);
  protected readonly canRestore = computed(() => canRestoreArchives(this.session.claims(), this.session.tenantId()));

  constructor() {
    let unwatch: (() => void) | null = null;
    effect(() => {
      unwatch?.();
      unwatch = null;
      this.parts.set([]);
      this.loaded.set(false);
      this.problem.set(null);
      const tenantId = this.session.tenantId();
      if (!tenantId) return;
      unwatch = this.store.watchList(
        tenantId,
        (parts, limited) => {
          this.parts.set(parts);
          this.limited.set(limited);
          this.loaded.set(true);
        },
        (err) => this.problem.set(describeFirestoreError(err).message),
      );
    });
    inject(DestroyRef).onDestroy(() => unwatch?.());
  }

  protected openRestore(day: ArchiveDayView): void {
    this.dialog.open<RestoreDialog, RestoreDialogData>(RestoreDialog, { data: { day }, width: '560px' });
  }
}
