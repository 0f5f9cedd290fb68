import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { humanize } from '../core/audit-model';
import { Session } from '../core/auth/session';
import { FilterBar } from '../logs/filters/filter-bar';
import { describeFilter, emptyFilter, type LogFilter, type TimeRange } from '../logs/filters/log-filter';
import { ArchiveStore } from './archive-store';
import { COLD_UNSUPPORTED, checkColdFilter, describeProblems, planColdSearch } from './cold-search-model';
import { ColdSearchSource } from './cold-search-source';

/** Archives are older than the warm retention, so a cold search starts over all time. */
const ALL_TIME: TimeRange = { preset: 'all' };

/**
 * Searches the tenant's Parquet archives with log search's filter bar (minus the filters the cold
 * tier does not have), newest first, a page at a time. A search runs only when the user applies
 * filters: each one reads archive files on the server.
 */
@Component({
  selector: 'app-cold-search',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, FilterBar, MatButtonModule, MatIconModule, MatProgressBarModule, MatTooltipModule],
  templateUrl: './cold-search.html',
  styleUrl: './cold-search.scss',
})
export class ColdSearch {
  protected readonly session = inject(Session);
  private readonly store = inject(ArchiveStore);

  protected readonly source = new ColdSearchSource((request) => this.store.search(request));
  protected readonly allTime = ALL_TIME;
  protected readonly humanize = humanize;
  protected readonly locked = Object.keys(COLD_UNSUPPORTED) as (keyof LogFilter)[];
  protected readonly check = checkColdFilter;
  protected readonly filter = signal<LogFilter>(emptyFilter({ range: ALL_TIME, ...COLD_UNSUPPORTED }));
  protected readonly summary = computed(() => describeFilter(this.filter()));
  protected readonly dayRange = computed(() => {
    const days = this.source.days();
    if (days.length === 0) return '';
    return days.length === 1 ? days[0] : `${days[days.length - 1]} to ${days[0]}`;
  });

  protected apply(filter: LogFilter): void {
    this.filter.set(filter);
    const claims = this.session.claims();
    const plan = planColdSearch(filter, {
      now: new Date(),
      // A platform admin names the tenant in view; the server takes everyone else's from their claims.
      tenantId: claims.platformAdmin ? this.session.tenantId() : null,
    });
    if ('problems' in plan) {
      this.source.fail({
        code: 'invalid_argument',
        message: 'Check the filters.',
        fields: describeProblems(plan.problems),
      });
      return;
    }
    void this.source.run(plan.request);
  }

  protected more(): void {
    void this.source.more();
  }
}
