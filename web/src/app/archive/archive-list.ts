import { Clipboard } from '@angular/cdk/clipboard';
import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { shortHash, stateLabel, type ArchiveDayView } from './archive-model';

/**
 * The tenant's archived days: date, rows, size, Merkle root and state, newest first. The root is
 * shortened in the table; the tooltip and the copy button give the full value, to compare with
 * the manifest in Storage or with a checkpoint.
 */
@Component({
  selector: 'app-archive-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DecimalPipe, MatButtonModule, MatIconModule, MatTooltipModule],
  templateUrl: './archive-list.html',
  styleUrl: './archive-list.scss',
})
export class ArchiveList {
  readonly days = input.required<readonly ArchiveDayView[]>();
  /** Whether the signed-in user may restore (tenant admins only). */
  readonly canRestore = input(false);
  readonly restore = output<ArchiveDayView>();

  private readonly clipboard = inject(Clipboard);
  private readonly snackBar = inject(MatSnackBar);
  protected readonly shortHash = shortHash;
  protected readonly stateLabel = stateLabel;

  protected copy(root: string): void {
    const ok = this.clipboard.copy(root);
    this.snackBar.open(ok ? 'Merkle root copied' : 'Could not copy the root', undefined, { duration: 2000 });
  }
}
