import { ComponentHarness, type TestKey } from '@angular/cdk/testing';

/** One rendered row of the log table, as the user reads it. */
export interface LogTableRowText {
  readonly logId: string | null;
  readonly time: string;
  readonly level: string;
  readonly category: string;
  readonly eventType: string;
  readonly actor: string;
  readonly resource: string;
  readonly outcome: string;
  readonly review: string;
}

/** Cells per row: time, level, category, event type, actor, resource, outcome, review. */
const COLUMNS = 8;

/**
 * Test harness of `app-log-table`. The table is a virtual-scroll ARIA grid rather than a
 * `mat-table`, so `MatTableHarness` does not fit; this one reads the grid the way a user sees it.
 */
export class LogTableHarness extends ComponentHarness {
  static hostSelector = 'app-log-table';

  private readonly grid = this.locatorFor('[role="grid"]');
  private readonly headerCells = this.locatorForAll('[role="columnheader"]');
  private readonly rows = this.locatorForAll('.row.entry');
  private readonly cells = this.locatorForAll('.row.entry [role="gridcell"]');

  async getHeaders(): Promise<string[]> {
    return Promise.all((await this.headerCells()).map((cell) => cell.text()));
  }

  /** The rows now in the DOM (the viewport renders only those near the visible part). */
  async getRows(): Promise<LogTableRowText[]> {
    const rows = await this.rows();
    const cells = await Promise.all((await this.cells()).map(async (cell) => (await cell.text()).trim()));
    return Promise.all(
      rows.map(async (row, index) => {
        const [
          time = '',
          level = '',
          category = '',
          eventType = '',
          actor = '',
          resource = '',
          outcome = '',
          review = '',
        ] = cells.slice(index * COLUMNS, (index + 1) * COLUMNS);
        const logId = await row.getAttribute('data-log-id');
        return { logId, time, level, category, eventType, actor, resource, outcome, review };
      }),
    );
  }

  /** Number of entries the grid announces (its `aria-rowcount` counts the header row too). */
  async getAnnouncedRowCount(): Promise<number> {
    return Number(await (await this.grid()).getAttribute('aria-rowcount')) - 1;
  }

  /** The log id of the row the keyboard is on, or null. */
  async getActiveLogId(): Promise<string | null> {
    const id = await (await this.grid()).getAttribute('aria-activedescendant');
    return id === null ? null : id.replace(/^log-row-/, '');
  }

  async clickRow(index: number): Promise<void> {
    const row = (await this.rows())[index];
    if (!row) throw new Error(`no rendered row ${index}`);
    await row.click();
  }

  async pressKey(key: TestKey): Promise<void> {
    await (await this.grid()).sendKeys(key);
  }
}
