import { Clipboard } from '@angular/cdk/clipboard';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  untracked,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute, Router } from '@angular/router';
import type { AccessView } from '@audit-log/model/access';
import { AccessRecorder, boundedFilters } from '../../core/access/access-recorder';
import type { AuditLogEntry } from '../../core/audit-model';
import { Session } from '../../core/auth/session';
import { RevealingLogReader } from '../../core/privacy/revealing-reader';
import { reportKindFor } from '../../reports/report-link';
import type { ReportKind } from '../../reports/report-model';
import { ListingActions } from '../../shared/listing-actions';
import { FilterBar } from '../filters/filter-bar';
import { DEFAULT_RANGE, describeFilter, rangeIsOpenEnded, type LogFilter, type TimeRange } from '../filters/log-filter';
import { URL_PARAMS, filterFromParams, filterToParams } from '../filters/url-filters';
import { ArchiveTier } from '../log-table/archive-tier';
import { utcDay } from '../log-table/archive-reach';
import { LogDataSource } from '../log-table/log-data-source';
import { LogTable } from '../log-table/log-table';

/** A default no preset equals, so the recorded filter always names its range. */
const ALWAYS_NAME_RANGE: TimeRange = { preset: 'custom', from: null, to: null };

/**
 * Filter bar, status line, live tail and the virtual table, with the filter kept in the URL.
 * Used by log search and by the entity and actor pages, which pin some fields via `fixed`.
 */
@Component({
  selector: 'app-log-browser',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    FilterBar,
    ListingActions,
    LogTable,
    MatSlideToggleModule,
    MatButtonModule,
    MatIconModule,
    MatTooltipModule,
    MatProgressBarModule,
  ],
  templateUrl: './log-browser.html',
  styleUrl: './log-browser.scss',
})
export class LogBrowser {
  /** Fields set by the page, not by the URL (e.g. the resource of an entity history). */
  readonly fixed = input<Partial<LogFilter>>({});
  readonly defaultRange = input<TimeRange>(DEFAULT_RANGE);
  readonly label = input('Audit log entries');
  /** The page this browser serves, as its reads are recorded in the audit log. */
  readonly accessView = input<AccessView>('log_search');
  /** The report that covers the page; by default the one the filter's categories or level fit. */
  readonly report = input<ReportKind | null | undefined>(undefined);

  private readonly route = inject(ActivatedRoute);
  private readonly router = inject(Router);
  private readonly clipboard = inject(Clipboard);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly session = inject(Session);
  private readonly access = inject(AccessRecorder);
  protected readonly source = new LogDataSource(inject(RevealingLogReader), undefined, undefined, inject(ArchiveTier));

  private readonly params = toSignal(this.route.queryParams, { initialValue: {} });
  private readonly parsed = computed(() => filterFromParams(this.params(), this.defaultRange()));
  protected readonly filter = computed<LogFilter>(() => ({ ...this.parsed().filter, ...this.fixed() }));
  protected readonly urlProblems = computed(() => this.parsed().problems);
  protected readonly locked = computed(() => Object.keys(this.fixed()) as (keyof LogFilter)[]);
  protected readonly summary = computed(() => describeFilter(this.filter()));
  protected readonly reportKind = computed(() => this.report() ?? reportKindFor(this.filter()));
  protected readonly canTail = computed(() => rangeIsOpenEnded(this.filter().range, new Date()));

  constructor() {
    // Re-query whenever the URL filter or the tenant in view changes.
    effect(() => {
      const filter = this.filter();
      const scope = this.session.scope();
      untracked(() => this.source.query(filter, scope));
    });
    // Each distinct query is recorded once, when its first page is shown (not per page scrolled).
    effect(() => {
      if (this.source.firstPageMs() === null) return;
      untracked(() =>
        this.access.searched(
          this.accessView(),
          this.session.tenantId(),
          boundedFilters(filterToParams(this.filter(), ALWAYS_NAME_RANGE)),
          this.source.rows().length,
          this.source.archiveQuery(),
        ),
      );
    });
    effect(() => {
      if (!this.canTail() && untracked(() => this.source.tailing())) this.source.setLiveTail(false);
    });
    inject(DestroyRef).onDestroy(() => this.source.disconnect());
  }

  protected async apply(filter: LogFilter): Promise<void> {
    // Fixed fields are part of the route, not of the query string.
    const params = filterToParams(filter, this.defaultRange());
    for (const key of this.locked()) if (key in URL_PARAMS) delete params[URL_PARAMS[key as keyof typeof URL_PARAMS]];
    await this.router.navigate([], { relativeTo: this.route, queryParams: params, queryParamsHandling: 'merge' });
  }

  protected open(entry: AuditLogEntry): void {
    // An archived entry is read from its day's archive: the day travels with the link.
    const queryParams = entry.archived ? { archivedDay: utcDay(entry.occurredAt.getTime()) } : {};
    void this.router.navigate(['/logs', entry.logId], { queryParams });
  }

  protected toggleTail(on: boolean): void {
    this.source.setLiveTail(on);
  }

  protected refresh(): void {
    this.source.query(this.filter(), this.session.scope());
  }

  protected copyLink(): void {
    const ok = this.clipboard.copy(window.location.href);
    this.snackBar.open(ok ? 'Link copied' : 'Could not copy the link', undefined, { duration: 2000 });
  }
}
