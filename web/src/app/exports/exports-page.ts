import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, linkedSignal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { describeFailure } from '../commands/commands';
import { Session } from '../core/auth/session';
import { firestoreErrorMessage } from '../core/firestore/firestore-errors';
import { liveQuery } from '../core/live-query';
import { filterFromParams } from '../logs/filters/url-filters';
import { startDownload } from './download';
import { ExportDialog, type ExportDialogData } from './export-dialog';
import { EXPORT_ROLES, formatBytes, isActive, SUBJECT_ACCESS_ROLES, type ExportJobView } from './export-model';
import { ExportStore } from './export-store';
import { SubjectAccessDialog } from './subject-access-dialog';

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
  /** Data subject requests are answered by admins and compliance officers. */
  protected readonly subjectAccessAllowed = computed(() => {
    const role = this.session.claims().role;
    return role !== null && SUBJECT_ACCESS_ROLES.includes(role);
  });
  private readonly list = liveQuery<string, ExportJobView[]>({
    params: () => (this.allowed() ? this.session.tenantId() || undefined : undefined),
    watch: (tenantId, next, fail) => this.store.watchList(tenantId, next, fail),
    initial: [],
  });
  protected readonly jobs = this.list.value;
  /** The list's failure, until an action (Cancel, Download) reports a newer one. */
  protected readonly problem = linkedSignal(() => firestoreErrorMessage(this.list.error()));
  protected readonly isActive = isActive;
  protected readonly formatBytes = formatBytes;

  constructor() {
    if (this.route.snapshot.queryParamMap.get('new') === '1') queueMicrotask(() => this.openDialog());
  }

  protected openDialog(): void {
    const { filter } = filterFromParams(this.route.snapshot.queryParams);
    this.dialog.open<ExportDialog, ExportDialogData>(ExportDialog, { data: { filter }, width: '560px' });
  }

  protected openSubjectAccess(): void {
    this.dialog.open(SubjectAccessDialog, { width: '560px' });
  }

  protected async cancel(job: ExportJobView): Promise<void> {
    try {
      await this.store.cancel(job.id);
    } catch (err) {
      this.problem.set(describeFailure(err));
    }
  }

  /** The job's file, or a subject access export's PDF summary. */
  protected async download(job: ExportJobView, part: 'file' | 'summary' = 'file'): Promise<void> {
    try {
      const url =
        part === 'summary' && job.summaryReportId
          ? await this.store.downloadUrl('report', job.summaryReportId)
          : await this.store.downloadUrl('export', job.id);
      startDownload(url);
    } catch (err) {
      this.problem.set(describeFailure(err));
    }
  }
}
