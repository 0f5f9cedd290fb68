import { BreakpointObserver } from '@angular/cdk/layout';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  linkedSignal,
  output,
  signal,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { CATEGORIES, LEVELS, OPERATIONS, OUTCOMES, REVIEW_STATUSES, humanize } from '../../core/audit-model';
import { map } from 'rxjs';
import { checkLogFilter, type QueryScope } from '../query/log-query';
import {
  DEFAULT_RANGE,
  RANGE_LABELS,
  RANGE_PRESETS,
  cleanText,
  describeFilter,
  emptyFilter,
  type LogFilter,
  type TimeRange,
} from './log-filter';

/** `Date` → the value of an `<input type="datetime-local">` (local time, minutes). */
export function toLocalInput(date: Date | null): string {
  if (!date) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The value of an `<input type="datetime-local">` → `Date` (null when blank or invalid). */
export function fromLocalInput(value: string): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Why a draft filter cannot be applied (shown under the bar, Apply disabled), or null. */
export type FilterCheck = (filter: LogFilter, scope: QueryScope) => { readonly message: string } | null;

/**
 * Edits a draft of the filter and applies it on submit, so typing does not fire a query per
 * keystroke. Combinations no index serves are explained before the user submits them.
 */
@Component({
  selector: 'app-filter-bar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatButtonModule, MatIconModule],
  templateUrl: './filter-bar.html',
  styleUrl: './filter-bar.scss',
})
export class FilterBar {
  readonly filter = input.required<LogFilter>();
  readonly scope = input.required<QueryScope>();
  /** Fields fixed by the page (e.g. the actor on the actor page) are not editable. */
  readonly locked = input<readonly (keyof LogFilter)[]>([]);
  /** What "Reset" goes back to; pages differ (search: a week, entity history: all time). */
  readonly defaultRange = input<TimeRange>(DEFAULT_RANGE);
  /** The rules a draft must meet; by default the hot planner's (what the indexes serve). */
  readonly check = input<FilterCheck>(checkLogFilter);
  readonly applied = output<LogFilter>();

  protected readonly draft = linkedSignal(() => this.filter());
  /** On phones the fields fold away behind a summary, so the table stays in view. */
  protected readonly narrow = toSignal(
    inject(BreakpointObserver)
      .observe('(max-width: 700px)')
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly expanded = signal(false);
  protected readonly showFields = computed(() => !this.narrow() || this.expanded());
  protected readonly summary = computed(
    () => `${RANGE_LABELS[this.filter().range.preset]}, ${describeFilter(this.filter())}`,
  );
  protected readonly problem = computed(() => this.check()(this.draft(), this.scope()));
  protected readonly presets = [...RANGE_PRESETS, 'custom'] as const;
  protected readonly rangeLabels = RANGE_LABELS;
  protected readonly categories = CATEGORIES;
  protected readonly levels = LEVELS;
  protected readonly outcomes = OUTCOMES;
  protected readonly operations = OPERATIONS;
  protected readonly reviewStatuses = REVIEW_STATUSES;
  protected readonly humanize = humanize;
  protected readonly toLocalInput = toLocalInput;

  protected isLocked(field: keyof LogFilter): boolean {
    return this.locked().includes(field);
  }

  protected patch(change: Partial<LogFilter>): void {
    this.draft.update((d) => ({ ...d, ...change }));
  }

  protected text(
    field: 'eventType' | 'actorId' | 'actorEmail' | 'resourceType' | 'resourceId' | 'correlationId' | 'keyword',
    value: string,
  ): void {
    this.patch({ [field]: value });
  }

  protected setPreset(preset: TimeRange['preset']): void {
    const range = this.draft().range;
    if (preset === 'custom') {
      const from = range.preset === 'custom' ? range.from : new Date(Date.now() - 24 * 3_600_000);
      const to = range.preset === 'custom' ? range.to : null;
      this.patch({ range: { preset: 'custom', from, to } });
    } else {
      this.patch({ range: { preset } });
    }
  }

  protected setBound(bound: 'from' | 'to', value: string): void {
    const range = this.draft().range;
    if (range.preset !== 'custom') return;
    this.patch({ range: { ...range, [bound]: fromLocalInput(value) } });
  }

  protected customRange(): { from: Date | null; to: Date | null } | null {
    const range = this.draft().range;
    return range.preset === 'custom' ? range : null;
  }

  protected submit(): void {
    this.expanded.set(false);
    // Tokens belong to the data source's resolved copy of a filter, never to what a user applies.
    const { actorTokens: _tokens, ...d } = this.draft();
    this.applied.emit({
      ...d,
      eventType: cleanText(d.eventType),
      actorId: cleanText(d.actorId),
      resourceType: cleanText(d.resourceType),
      resourceId: cleanText(d.resourceId),
      correlationId: cleanText(d.correlationId),
      keyword: cleanText(d.keyword)?.toLowerCase() ?? null,
      actorEmail: cleanText(d.actorEmail)?.toLowerCase() ?? null,
    });
  }

  protected reset(): void {
    const base = emptyFilter({ range: this.defaultRange() });
    const current = this.filter();
    // Locked fields belong to the page, not to the user's filters.
    const kept = Object.fromEntries(this.locked().map((key) => [key, current[key]])) as Partial<LogFilter>;
    this.draft.set({ ...base, ...kept });
    this.submit();
  }
}
