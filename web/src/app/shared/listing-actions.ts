import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import { Session } from '../core/auth/session';
import { ExportDialog, type ExportDialogData } from '../exports/export-dialog';
import { EXPORT_ROLES } from '../exports/export-model';
import type { LogFilter } from '../logs/filters/log-filter';
import { reportLinkParams } from '../reports/report-link';
import { KIND_LABELS, REPORT_ROLES, type ReportKind } from '../reports/report-model';

/**
 * "Export what you see": the Export and Report actions of every page that lists entries. Export
 * opens the export dialog with the page's current filter; Report opens the Reports page with the
 * report kind that covers the page and its time range. Each shows only to the roles that may use it.
 */
@Component({
  selector: 'app-listing-actions',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatIconModule, MatTooltipModule, RouterLink],
  template: `
    @if (canExport()) {
      <button mat-stroked-button type="button" data-testid="listing-export" (click)="openExport()">
        <mat-icon aria-hidden="true">download</mat-icon> Export
      </button>
    }
    @if (reportLink(); as link) {
      <a
        mat-stroked-button
        routerLink="/reports"
        [queryParams]="link.params"
        [matTooltip]="link.label"
        data-testid="listing-report"
      >
        <mat-icon aria-hidden="true">picture_as_pdf</mat-icon> Report
      </a>
    }
  `,
  styles: `
    :host {
      display: inline-flex;
      gap: 8px;
      align-items: center;
    }
  `,
})
export class ListingActions {
  /** What the page lists right now: the export holds exactly these entries. */
  readonly filter = input.required<LogFilter>();
  /** The report that covers the page, or null where no report kind fits. */
  readonly report = input<ReportKind | null>(null);

  private readonly session = inject(Session);
  private readonly dialog = inject(MatDialog);
  private readonly role = computed(() => this.session.claims().role);

  protected readonly canExport = computed(() => {
    const role = this.role();
    return role !== null && EXPORT_ROLES.includes(role);
  });
  protected readonly reportLink = computed(() => {
    const kind = this.report();
    const role = this.role();
    if (kind === null || role === null || !REPORT_ROLES.includes(role)) return null;
    return { params: reportLinkParams(kind, this.filter(), new Date()), label: KIND_LABELS[kind] };
  });

  protected openExport(): void {
    this.dialog.open<ExportDialog, ExportDialogData>(ExportDialog, { data: { filter: this.filter() }, width: '560px' });
  }
}
