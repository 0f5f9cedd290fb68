import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import { MatIconModule } from '@angular/material/icon';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import type { AuditChanges } from '../../core/audit-model';
import { diffRows } from './diff-rows';

/** `before` and `after` side by side; changed fields highlighted, redacted values marked. */
@Component({
  selector: 'app-diff-view',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatIconModule, MatSlideToggleModule],
  templateUrl: './diff-view.html',
  styleUrl: './diff-view.scss',
})
export class DiffView {
  readonly changes = input<AuditChanges | undefined>();
  readonly changedFields = input<readonly string[]>([]);
  readonly redactions = input<readonly string[]>([]);

  protected readonly onlyChanged = signal(false);
  protected readonly rows = computed(() => diffRows(this.changes(), this.changedFields(), this.redactions()));
  protected readonly shown = computed(() => (this.onlyChanged() ? this.rows().filter((r) => r.changed) : this.rows()));
  protected readonly changedCount = computed(() => this.rows().filter((r) => r.changed).length);
}
