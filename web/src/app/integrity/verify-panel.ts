import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { describeFailure } from '../commands/commands';
import type { EntryVerification } from './entry-verification';
import { EntryVerifier } from './entry-verifier';

/** The entry detail page's Verify button and the result of each check. */
@Component({
  selector: 'app-verify-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatIconModule, MatProgressBarModule],
  templateUrl: './verify-panel.html',
  styleUrl: './verify-panel.scss',
})
export class VerifyPanel {
  readonly logId = input.required<string>();

  private readonly verifier = inject(EntryVerifier);

  protected readonly running = signal(false);
  protected readonly result = signal<EntryVerification | null>(null);
  protected readonly problem = signal<string | null>(null);

  protected async verify(): Promise<void> {
    this.running.set(true);
    this.problem.set(null);
    this.result.set(null);
    try {
      this.result.set(await this.verifier.verify(this.logId()));
    } catch (err) {
      this.problem.set(describeFailure(err));
    } finally {
      this.running.set(false);
    }
  }
}
