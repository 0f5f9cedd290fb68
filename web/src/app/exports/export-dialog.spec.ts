import type { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatDialog } from '@angular/material/dialog';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatProgressBarHarness } from '@angular/material/progress-bar/testing';
import { MatRadioGroupHarness } from '@angular/material/radio/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandFailure } from '../commands/commands';
import { emptyFilter, type LogFilter } from '../logs/filters/log-filter';
import { ExportDialog, type ExportDialogData } from './export-dialog';
import { toExportJob, type ExportJobView } from './export-model';
import { ExportStore } from './export-store';

/** The export store without Firebase: start is a spy, and the job listener is answered by the test. */
class FakeExportStore implements Pick<ExportStore, 'start' | 'watch' | 'cancel' | 'downloadUrl'> {
  readonly start = vi.fn<ExportStore['start']>();
  readonly cancel = vi.fn<ExportStore['cancel']>();
  readonly downloadUrl = vi.fn<ExportStore['downloadUrl']>();
  readonly watched: string[] = [];
  next: (job: ExportJobView | null) => void = () => undefined;
  fail: (err: unknown) => void = () => undefined;

  watch(id: string, onItem: (job: ExportJobView | null) => void, onError: (err: unknown) => void): () => void {
    this.watched.push(id);
    this.next = onItem;
    this.fail = onError;
    return () => undefined;
  }
}

/** An empty page to open the dialog from. */
@Component({ selector: 'app-dialog-host', template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class DialogHost {}

/** A job document as the export worker writes it, read through the console's own mapping. */
function job(fields: Record<string, unknown>): ExportJobView {
  return toExportJob('export-1', {
    tenantId: 'acme',
    format: 'csv',
    requestedBy: { tenantId: 'acme', uid: 'u-1', role: 'auditor', email: 'auditor@example.com' },
    objectPath: 'exports/acme/export-1.csv',
    contentType: 'text/csv',
    fileName: 'audit-export.csv',
    createdAt: { toDate: () => new Date(0), toMillis: () => 0 },
    ...fields,
  });
}

/** April 2026 in UTC, errors only: resolved ranges are sent as ISO strings. */
const FILTER: LogFilter = emptyFilter({
  range: { preset: 'custom', from: new Date('2026-04-01T00:00:00Z'), to: new Date('2026-05-01T00:00:00Z') },
  levels: ['ERROR'],
});

describe('ExportDialog', () => {
  let store: FakeExportStore;
  let dialog: MatDialogHarness;
  let loader: HarnessLoader;

  beforeEach(async () => {
    store = new FakeExportStore();
    TestBed.configureTestingModule({ providers: [{ provide: ExportStore, useValue: store }] });
    const fixture = TestBed.createComponent(DialogHost);
    TestBed.inject(MatDialog).open<ExportDialog, ExportDialogData>(ExportDialog, { data: { filter: FILTER } });
    dialog = await TestbedHarnessEnvironment.documentRootLoader(fixture).getHarness(MatDialogHarness);
    loader = dialog;
  });

  /** The dialog's text as read, with the template's line breaks folded. */
  const content = async () => (await dialog.getContentText()).replace(/\s+/g, ' ');
  const startButton = () => loader.getHarness(MatButtonHarness.with({ text: 'Start export' }));

  it('shows the filters it will export', async () => {
    expect(await dialog.getTitleText()).toBe('Export audit entries');
    expect(await content()).toContain('Filters: level ERROR');
  });

  it('submits CSV without a byte order mark and the filter with its range as ISO bounds', async () => {
    store.start.mockResolvedValue({ exportId: 'export-1' });
    const bom = await loader.getHarness(MatCheckboxHarness);
    expect(await bom.isChecked()).toBe(true);
    await bom.uncheck();
    await (await startButton()).click();
    expect(store.start).toHaveBeenCalledExactlyOnceWith('csv', false, {
      from: '2026-04-01T00:00:00.000Z',
      to: '2026-05-01T00:00:00.000Z',
      levels: ['ERROR'],
    });
  });

  it('offers the byte order mark only for CSV and submits the chosen format', async () => {
    store.start.mockResolvedValue({ exportId: 'export-1' });
    const formats = await loader.getHarness(MatRadioGroupHarness.with({ selector: '[aria-label="Format"]' }));
    expect(await formats.getCheckedValue()).toBe('csv');
    await formats.checkRadioButton({ label: 'JSON array' });
    expect(await loader.getAllHarnesses(MatCheckboxHarness)).toHaveLength(0);
    await (await startButton()).click();
    expect(store.start.mock.calls[0]?.[0]).toBe('json');
  });

  it('cannot be started twice while the request is on its way', async () => {
    let answer: (value: { exportId: string }) => void = () => undefined;
    store.start.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const start = await startButton();
    await start.click();
    expect(await start.isDisabled()).toBe(true);
    answer({ exportId: 'export-1' });
    await vi.waitFor(() => expect(store.watched).toEqual(['export-1']));
    expect(store.start).toHaveBeenCalledTimes(1);
  });

  it('follows the started job: progress while it runs, Download when it succeeded', async () => {
    store.start.mockResolvedValue({ exportId: 'export-1' });
    await (await startButton()).click();
    await vi.waitFor(() => expect(store.watched).toEqual(['export-1']));

    store.next(job({ state: 'running', progress: 0.4, rowsWritten: 400, rowsTotal: 1000 }));
    expect(await (await loader.getHarness(MatProgressBarHarness)).getValue()).toBe(40);
    expect(await content()).toContain('Running · 400 of 1,000 rows · 0 B');
    expect(await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Start export' }))).toHaveLength(0);

    store.next(job({ state: 'succeeded', progress: 1, rowsWritten: 9, rowsTotal: 9, bytes: 2048, sha256: 'ab12' }));
    expect(await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Download' }))).toHaveLength(1);
    expect(await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Cancel export' }))).toHaveLength(0);
    const line = document.querySelector('[data-testid="export-progress"]');
    expect(line?.textContent).toBe('Done · 9 of 9 rows · 2.0 KB');
    // No style may re-case the sentence ("9 Of 9 Rows"): the line is written as it should read.
    expect(getComputedStyle(line!).textTransform).not.toBe('capitalize');
  });

  it('shows why a start was refused and keeps the form for another try', async () => {
    store.start.mockRejectedValue(new CommandFailure('permission-denied', 'Exports are for auditors.'));
    await (await startButton()).click();
    expect(await content()).toContain('Exports are for auditors.');
    expect(await (await startButton()).isDisabled()).toBe(false);
    expect(store.watched).toEqual([]);
  });

  it('shows a failure of the job listener', async () => {
    store.start.mockResolvedValue({ exportId: 'export-1' });
    await (await startButton()).click();
    await vi.waitFor(() => expect(store.watched).toEqual(['export-1']));
    store.fail(Object.assign(new Error('Missing or insufficient permissions.'), { code: 'permission-denied' }));
    expect(await content()).toContain('Missing or insufficient permissions.');
  });
});
