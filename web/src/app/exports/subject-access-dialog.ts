import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { CommandFailure, describeFailure } from '../commands/commands';
import { startDownload } from './download';
import { ExportStore } from './export-store';
import { watchExportJob } from './watched-job';

/**
 * A subject access export (`gdpr_export`): the data subject's id and the reason (the request's
 * reference), then the job's live progress and, when done, the JSON file and its PDF summary.
 * Refused fields are named under each input; the request itself is an audit entry.
 */
@Component({
  selector: 'app-subject-access-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule, MatProgressBarModule],
  templateUrl: './subject-access-dialog.html',
  // The export dialog's look, and a full-width field.
  styleUrls: ['./export-dialog.scss', './subject-access-dialog.scss'],
})
export class SubjectAccessDialog {
  private readonly store = inject(ExportStore);

  protected readonly subject = signal('');
  protected readonly reason = signal('');
  protected readonly busy = signal(false);
  /** A refusal: its message, and the message of each refused field by path. */
  protected readonly problem = signal<{ message: string; fields: Readonly<Record<string, string>> } | null>(null);
  private readonly exportId = signal<string | null>(null);
  private readonly watched = watchExportJob(this.store, this.exportId);
  protected readonly job = this.watched.job;
  protected readonly active = this.watched.active;
  protected readonly progress = this.watched.progress;
  protected readonly listenerProblem = computed(() => {
    const err = this.watched.error();
    return err === null ? null : describeFailure(err);
  });

  protected async start(): Promise<void> {
    this.busy.set(true);
    this.problem.set(null);
    try {
      const { exportId } = await this.store.startSubjectAccess(this.subject().trim(), this.reason().trim());
      this.exportId.set(exportId);
    } catch (err) {
      const failure = CommandFailure.from(err);
      const fields = Object.fromEntries(failure.fields.map((f) => [f.path, f.message]));
      this.problem.set({ message: describeFailure(err), fields });
    } finally {
      this.busy.set(false);
    }
  }

  protected async download(kind: 'export' | 'report'): Promise<void> {
    const job = this.job();
    const id = kind === 'export' ? job?.id : job?.summaryReportId;
    if (!id) return;
    try {
      startDownload(await this.store.downloadUrl(kind, id));
    } catch (err) {
      this.problem.set({ message: describeFailure(err), fields: {} });
    }
  }
}
