import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { describeFailure } from '../commands/commands';
import { Session } from '../core/auth/session';
import { describeFirestoreError } from '../core/firestore/firestore-errors';
import { filterFromParams } from '../logs/filters/url-filters';
import { startDownload } from './download';
import { ExportDialog, type ExportDialogData } from './export-dialog';
import { EXPORT_ROLES, formatBytes, isActive, type ExportJobView } from './export-model';
import { ExportStore } from './export-store';

/**
 * Past and running exports of the tenant, live, with progress, Cancel and Download. "New export"
 * opens the export dialog with the filters in the URL (the log search page links here with its
 * own query parameters), so an export holds exactly what the user was looking at.
 */
@Component({
  selector: 'app-exports-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DecimalPipe, MatButtonModule, MatIconModule, MatProgressBarModule, RouterLink],
  templateUrl: './exports-page.html',
  styleUrl: './exports-page.scss',
})
export class ExportsPage {
  private readonly session = inject(Session);
  private readonly store = inject(ExportStore);
  private readonly dialog = inject(MatDialog);
  private readonly route = inject(ActivatedRoute);

  protected readonly allowed = computed(() => {
    const claims = this.session.claims();
    return claims.role !== null && EXPORT_ROLES.includes(claims.role);
  });
  protected readonly jobs = signal<ExportJobView[]>([]);
  protected readonly problem = signal<string | null>(null);
  protected readonly isActive = isActive;
  protected readonly formatBytes = formatBytes;

  constructor() {
    const destroy = inject(DestroyRef);
    let unwatch: (() => void) | null = null;
    effect(() => {
      unwatch?.();
      unwatch = null;
      const tenantId = this.session.tenantId();
      if (!tenantId || !this.allowed()) return;
      unwatch = this.store.watchList(
        tenantId,
        (jobs) => this.jobs.set(jobs),
        (err) => this.problem.set(describeFirestoreError(err).message),
      );
    });
    destroy.onDestroy(() => unwatch?.());
    if (this.route.snapshot.queryParamMap.get('new') === '1') queueMicrotask(() => this.openDialog());
  }

  protected openDialog(): void {
    const { filter } = filterFromParams(this.route.snapshot.queryParams);
    this.dialog.open<ExportDialog, ExportDialogData>(ExportDialog, { data: { filter }, width: '560px' });
  }

  protected async cancel(job: ExportJobView): Promise<void> {
    try {
      await this.store.cancel(job.id);
    } catch (err) {
      this.problem.set(describeFailure(err));
    }
  }

  protected async download(job: ExportJobView): Promise<void> {
    try {
      startDownload(await this.store.downloadUrl('export', job.id));
    } catch (err) {
      this.problem.set(describeFailure(err));
    }
  }
}
