import type { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ChangeDetectionStrategy, Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialog } from '@angular/material/dialog';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandFailure } from '../commands/commands';
import { toExportJob, type ExportJobView } from './export-model';
import { ExportStore } from './export-store';
import { SubjectAccessDialog } from './subject-access-dialog';

/** The export store without Firebase: the start and download calls are spies, the job listener is the test's. */
class FakeExportStore implements Pick<ExportStore, 'startSubjectAccess' | 'watch' | 'downloadUrl'> {
  readonly startSubjectAccess = vi.fn<ExportStore['startSubjectAccess']>();
  readonly downloadUrl = vi.fn<ExportStore['downloadUrl']>();
  readonly watched: string[] = [];
  next: (job: ExportJobView | null) => void = () => undefined;

  watch(id: string, onItem: (job: ExportJobView | null) => void): () => void {
    this.watched.push(id);
    this.next = onItem;
    return () => undefined;
  }
}

@Component({ selector: 'app-dialog-host', template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class DialogHost {}

/** A subject access job as the export worker writes it, read through the console's own mapping. */
function job(fields: Record<string, unknown>): ExportJobView {
  return toExportJob('sar-1', {
    tenantId: 'acme',
    format: 'json',
    requestedBy: { tenantId: 'acme', uid: 'u-1', role: 'compliance' },
    objectPath: 'exports/acme/sar-1.json',
    contentType: 'application/json',
    fileName: 'subject-access.json',
    subject: { id: 'u-ada', ref: 'ref-1', reason: 'ticket 42' },
    createdAt: { toDate: () => new Date(0), toMillis: () => 0 },
    ...fields,
  });
}

describe('SubjectAccessDialog', () => {
  let store: FakeExportStore;
  let dialog: MatDialogHarness;
  let loader: HarnessLoader;

  beforeEach(async () => {
    store = new FakeExportStore();
    TestBed.configureTestingModule({ providers: [{ provide: ExportStore, useValue: store }] });
    const fixture = TestBed.createComponent(DialogHost);
    TestBed.inject(MatDialog).open(SubjectAccessDialog);
    dialog = await TestbedHarnessEnvironment.documentRootLoader(fixture).getHarness(MatDialogHarness);
    loader = dialog;
  });

  const input = (name: string) => loader.getHarness(MatInputHarness.with({ selector: `[name="${name}"]` }));
  const button = (text: string) => loader.getHarness(MatButtonHarness.with({ text }));
  const content = async () => (await dialog.getContentText()).replace(/\s+/g, ' ');

  it('sends the subject and the reason, trimmed', async () => {
    store.startSubjectAccess.mockResolvedValue({ exportId: 'sar-1', logId: 'log-1' });
    await (await input('subject')).setValue('  u-ada ');
    await (await input('reason')).setValue(' ticket 42 ');
    await (await button('Start')).click();
    expect(store.startSubjectAccess).toHaveBeenCalledExactlyOnceWith('u-ada', 'ticket 42');
    await vi.waitFor(() => expect(store.watched).toEqual(['sar-1']));
  });

  it('names each refused field under its input and keeps the form', async () => {
    store.startSubjectAccess.mockRejectedValue(
      new CommandFailure('invalid-argument', 'the request breaks a rule', [
        { path: 'subject', message: 'must not be empty' },
        { path: 'reason', message: 'must be at least 3 characters' },
      ]),
    );
    await (await button('Start')).click();
    expect(document.querySelector('[data-testid="subject-error"]')?.textContent?.trim()).toBe('must not be empty');
    expect(document.querySelector('[data-testid="reason-error"]')?.textContent?.trim()).toBe(
      'must be at least 3 characters',
    );
    expect(await (await button('Start')).isDisabled()).toBe(false);
    expect(store.watched).toEqual([]);
  });

  it('follows the job and offers the JSON file and its PDF summary when done', async () => {
    store.startSubjectAccess.mockResolvedValue({ exportId: 'sar-1', logId: 'log-1' });
    store.downloadUrl.mockResolvedValue('#download');
    await (await input('subject')).setValue('u-ada');
    await (await input('reason')).setValue('ticket 42');
    await (await button('Start')).click();
    await vi.waitFor(() => expect(store.watched).toEqual(['sar-1']));
    store.next(job({ state: 'running', rowsWritten: 3 }));
    expect(await content()).toContain('Running · 3 rows');
    expect(await loader.getAllHarnesses(MatButtonHarness.with({ text: 'Download JSON' }))).toHaveLength(0);

    store.next(job({ state: 'succeeded', rowsWritten: 6, rowsTotal: 6, sha256: 'ab12', summaryReportId: 'sar-1' }));
    await (await button('PDF summary')).click();
    await (await button('Download JSON')).click();
    expect(store.downloadUrl.mock.calls).toEqual([
      ['report', 'sar-1'],
      ['export', 'sar-1'],
    ]);
  });
});
