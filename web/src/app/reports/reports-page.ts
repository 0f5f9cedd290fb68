import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, linkedSignal, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { ActivatedRoute } from '@angular/router';
import { describeFailure } from '../commands/commands';
import { OPERATIONS, humanize, type Operation } from '../core/audit-model';
import { Session } from '../core/auth/session';
import { firestoreErrorMessage } from '../core/firestore/firestore-errors';
import { liveQuery } from '../core/live-query';
import { startDownload } from '../exports/download';
import { formatBytes } from '../exports/export-model';
import {
  KIND_LABELS,
  REPORT_KINDS,
  REPORT_ROLES,
  lastMonth,
  periodOf,
  type ReportKind,
  type ReportView,
} from './report-model';
import { reportFormOf } from './report-link';
import { ReportStore } from './report-store';

/**
 * Compliance reports: pick a kind and a period, generate the PDF on the server, download it. Each
 * report shows its SHA-256 (a PDF cannot carry its own hash), to compare with the downloaded file.
 */
@Component({
  selector: 'app-reports-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    DecimalPipe,
    FormsModule,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
  ],
  templateUrl: './reports-page.html',
  styleUrls: ['../exports/exports-page.scss', './reports-page.scss'],
})
export class ReportsPage {
  private readonly session = inject(Session);
  private readonly store = inject(ReportStore);
  /** A listing page's Report action names the kind and days (`?kind=&from=&to=`); else last month. */
  private readonly preset = reportFormOf(inject(ActivatedRoute).snapshot.queryParams);

  protected readonly kinds = REPORT_KINDS;
  protected readonly labels = KIND_LABELS;
  protected readonly allowed = computed(() => {
    const role = this.session.claims().role;
    return role !== null && REPORT_ROLES.includes(role);
  });
  protected readonly kind = signal<ReportKind>(this.preset.kind ?? 'compliance');
  protected readonly from = signal(this.preset.from ?? lastMonth(new Date()).from);
  protected readonly to = signal(this.preset.to ?? lastMonth(new Date()).to);
  /** Only entries with these operations (none: every operation). */
  protected readonly operations = signal<readonly Operation[]>(this.preset.operations ?? []);
  protected readonly operationChoices = OPERATIONS;
  protected readonly humanize = humanize;
  protected readonly period = computed(() => periodOf(this.from(), this.to()));
  private readonly list = liveQuery<string, ReportView[]>({
    params: () => (this.allowed() ? this.session.tenantId() || undefined : undefined),
    watch: (tenantId, next, fail) => this.store.watchList(tenantId, next, fail),
    initial: [],
  });
  protected readonly reports = this.list.value;
  protected readonly busy = signal(false);
  /** The list's failure, until Generate or Download reports a newer one. */
  protected readonly problem = linkedSignal(() => firestoreErrorMessage(this.list.error()));
  protected readonly formatBytes = formatBytes;

  protected async generate(): Promise<void> {
    const period = this.period();
    if (!period) return;
    this.busy.set(true);
    this.problem.set(null);
    try {
      await this.store.generate(this.kind(), period, this.operations());
    } catch (err) {
      this.problem.set(describeFailure(err));
    } finally {
      this.busy.set(false);
    }
  }

  protected async download(report: ReportView): Promise<void> {
    try {
      startDownload(await this.store.downloadUrl(report.id));
    } catch (err) {
      this.problem.set(describeFailure(err));
    }
  }
}
