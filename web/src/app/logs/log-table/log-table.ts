import { ScrollingModule, type CdkVirtualScrollViewport } from '@angular/cdk/scrolling';
import { MatIconModule } from '@angular/material/icon';
import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input, output, signal, viewChild } from '@angular/core';
import { humanize, type AuditLogEntry } from '../../core/audit-model';
import type { LogDataSource } from './log-data-source';

export const ROW_HEIGHT = 44;

/**
 * The log as a virtual-scroll grid: only the rows in view exist in the DOM, so 10,000 loaded
 * entries scroll as smoothly as 100. Keyboard: arrows / Page Up / Page Down / Home / End move the
 * active row, Enter opens it. The grid uses aria-activedescendant so focus stays on one element
 * while rows are recycled.
 */
@Component({
  selector: 'app-log-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ScrollingModule, DatePipe, MatIconModule],
  templateUrl: './log-table.html',
  styleUrl: './log-table.scss',
})
export class LogTable {
  readonly dataSource = input.required<LogDataSource>();
  readonly label = input('Audit log entries');
  /** Emitted when the user opens an entry (click or Enter). */
  readonly opened = output<AuditLogEntry>();

  protected readonly rowHeight = ROW_HEIGHT;
  protected readonly humanize = humanize;
  protected readonly active = signal(0);
  protected readonly count = computed(() => this.dataSource().rows().length);
  protected readonly activeId = computed(() => {
    const row = this.dataSource().rows()[this.active()];
    return row ? `log-row-${row.logId}` : null;
  });
  private readonly viewport = viewChild<CdkVirtualScrollViewport>('viewport');

  protected trackById(_index: number, row: AuditLogEntry): string {
    return row.logId;
  }

  protected actorLabel(row: AuditLogEntry): string {
    return row.actor.name ?? row.actor.email ?? row.actor.id ?? row.actor.type;
  }

  protected resourceLabel(row: AuditLogEntry): string {
    return row.resource ? `${row.resource.type}/${row.resource.name ?? row.resource.id}` : '—';
  }

  /** Clicks are handled once on the grid (rows are recycled by the virtual viewport). */
  protected onClick(event: MouseEvent): void {
    const rowEl = (event.target as HTMLElement | null)?.closest<HTMLElement>('[data-row-index]');
    const index = Number(rowEl?.dataset['rowIndex']);
    const row = Number.isInteger(index) ? this.dataSource().rows()[index] : undefined;
    if (!row) return;
    this.active.set(index);
    this.opened.emit(row);
  }

  protected onKeydown(event: KeyboardEvent): void {
    const count = this.count();
    if (count === 0) return;
    const page = Math.max(1, Math.floor((this.viewport()?.getViewportSize() ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: this.active() + 1,
      ArrowUp: this.active() - 1,
      PageDown: this.active() + page,
      PageUp: this.active() - page,
      Home: 0,
      End: count - 1,
    };
    if (event.key === 'Enter') {
      const row = this.dataSource().rows()[this.active()];
      if (row) this.opened.emit(row);
      event.preventDefault();
      return;
    }
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = Math.min(count - 1, Math.max(0, target));
    this.active.set(next);
    this.scrollIntoView(next);
  }

  private scrollIntoView(index: number): void {
    const viewport = this.viewport();
    if (!viewport) return;
    const top = index * ROW_HEIGHT;
    const offset = viewport.measureScrollOffset('top');
    const height = viewport.getViewportSize();
    if (top < offset) viewport.scrollToOffset(top);
    else if (top + ROW_HEIGHT > offset + height) viewport.scrollToOffset(top + ROW_HEIGHT - height);
  }
}
