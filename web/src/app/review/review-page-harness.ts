import { ComponentHarness } from '@angular/cdk/testing';

/**
 * Test harness of `app-review-page` for the parts that are plain HTML (the queue table, the
 * note, the messages); its Material controls are read with their own harnesses.
 */
export class ReviewPageHarness extends ComponentHarness {
  static hostSelector = 'app-review-page';

  private readonly queue = this.locatorFor('.queue');
  private readonly queueAlert = this.locatorForOptional('.queue [role="alert"]');
  private readonly queueRows = this.locatorForAll('[data-testid="queue-row"]');
  private readonly note = this.locatorFor('[data-testid="review-note"]');
  private readonly message = this.locatorForOptional('[data-testid="review-message"]');
  private readonly awaiting = this.locatorForOptional('[data-testid="awaiting-confirmation"]');

  async getQueueText(): Promise<string> {
    return (await this.queue()).text();
  }

  /** The queue's failure as shown to the user, or null. */
  async getQueueProblem(): Promise<string | null> {
    return (await this.queueAlert())?.text() ?? null;
  }

  async getQueueLogIds(): Promise<(string | null)[]> {
    return Promise.all((await this.queueRows()).map((row) => row.getAttribute('data-log-id')));
  }

  async selectQueueRow(index: number): Promise<void> {
    const row = (await this.queueRows())[index];
    if (!row) throw new Error(`no queue row ${index}`);
    await row.click();
  }

  /** Replaces the decision note, as typing into it would. */
  async setNote(value: string): Promise<void> {
    const note = await this.note();
    await note.setInputValue(value);
    await note.dispatchEvent('input');
  }

  async getNote(): Promise<string> {
    return (await this.note()).getProperty<string>('value');
  }

  /** The outcome of the last command or the entry's failure, or null. */
  async getMessage(): Promise<string | null> {
    return (await this.message())?.text() ?? null;
  }

  async getAwaitingConfirmation(): Promise<string | null> {
    return (await this.awaiting())?.text() ?? null;
  }
}
