import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { CommandFailure } from '../commands/commands';
import { HOLD_DAYS, describeRestore, holdDaysProblem, type ArchiveDayView, type RestoreResult } from './archive-model';
import { ArchiveStore } from './archive-store';
import { describeProblems } from './cold-search-model';

export interface RestoreDialogData {
  day: ArchiveDayView;
}

/**
 * Confirms restoring one archived day to Firestore, runs the `restoreArchiveDay` callable and
 * shows what it did. The dialog stays open on the result, so the admin reads the row count.
 */
@Component({
  selector: 'app-restore-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DecimalPipe, MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule, MatProgressBarModule],
  templateUrl: './restore-dialog.html',
  styleUrl: './restore-dialog.scss',
})
export class RestoreDialog {
  private readonly store = inject(ArchiveStore);
  protected readonly day = inject<RestoreDialogData>(MAT_DIALOG_DATA).day;

  protected readonly limits = HOLD_DAYS;
  protected readonly holdDays = signal<number | null>(HOLD_DAYS.default);
  protected readonly holdProblem = computed(() => holdDaysProblem(this.holdDays()));
  protected readonly busy = signal(false);
  protected readonly result = signal<RestoreResult | null>(null);
  protected readonly summary = computed(() => {
    const result = this.result();
    return result ? describeRestore(result) : '';
  });
  protected readonly problem = signal<{ message: string; fields: string[] } | null>(null);

  protected setHold(value: string): void {
    this.holdDays.set(value.trim() === '' ? null : Number(value));
  }

  protected async confirm(): Promise<void> {
    const holdDays = this.holdDays();
    if (holdDays === null || this.holdProblem() !== null) return;
    this.busy.set(true);
    this.problem.set(null);
    try {
      this.result.set(await this.store.restore({ date: this.day.date, holdDays }));
    } catch (err) {
      const failure = CommandFailure.from(err);
      this.problem.set({ message: failure.message, fields: describeProblems(failure.fields) });
    } finally {
      this.busy.set(false);
    }
  }
}
