import { PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, linkedSignal, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatRadioModule } from '@angular/material/radio';
import { describeFailure } from '../commands/commands';
import { describeFilter, type LogFilter } from '../logs/filters/log-filter';
import { startDownload } from './download';
import { EXPORT_FORMATS, FORMAT_LABELS, exportFilterOf, type ExportFormat } from './export-model';
import { ExportStore } from './export-store';
import { watchExportJob } from './watched-job';

export interface ExportDialogData {
  filter: LogFilter;
}

/**
 * The export dialog: format, byte order mark for spreadsheets, the current filters; then a live
 * progress bar, Cancel while it runs and Download when it is done. The export keeps running on
 * the server if the dialog is closed; the Exports page lists it.
 */
@Component({
  selector: 'app-export-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    PercentPipe,
    FormsModule,
    MatButtonModule,
    MatCheckboxModule,
    MatDialogModule,
    MatProgressBarModule,
    MatRadioModule,
  ],
  templateUrl: './export-dialog.html',
  styleUrl: './export-dialog.scss',
})
export class ExportDialog {
  private readonly store = inject(ExportStore);
  private readonly data = inject<ExportDialogData>(MAT_DIALOG_DATA);

  protected readonly formats = EXPORT_FORMATS;
  protected readonly labels = FORMAT_LABELS;
  protected readonly summary = describeFilter(this.data.filter);
  protected readonly format = signal<ExportFormat>('csv');
  protected readonly bom = signal(true);
  /** The started export, watched so its progress bar moves as the worker reports. */
  private readonly exportId = signal<string | null>(null);
  private readonly watched = watchExportJob(this.store, this.exportId);
  protected readonly job = this.watched.job;
  protected readonly active = this.watched.active;
  protected readonly progress = this.watched.progress;
  protected readonly busy = signal(false);
  /** The last failure: of the job listener, or of Start, Cancel or Download. */
  protected readonly problem = linkedSignal(() => {
    const err = this.watched.error();
    return err === null ? null : describeFailure(err);
  });

  protected async start(): Promise<void> {
    this.busy.set(true);
    this.problem.set(null);
    try {
      const { exportId } = await this.store.start(
        this.format(),
        this.bom(),
        exportFilterOf(this.data.filter, new Date()),
      );
      this.exportId.set(exportId);
    } catch (err) {
      this.problem.set(describeFailure(err));
    } finally {
      this.busy.set(false);
    }
  }

  protected async cancel(): Promise<void> {
    const job = this.job();
    if (!job) return;
    try {
      await this.store.cancel(job.id);
    } catch (err) {
      this.problem.set(describeFailure(err));
    }
  }

  protected async download(): Promise<void> {
    const job = this.job();
    if (!job) return;
    try {
      startDownload(await this.store.downloadUrl('export', job.id));
    } catch (err) {
      this.problem.set(describeFailure(err));
    }
  }
}
