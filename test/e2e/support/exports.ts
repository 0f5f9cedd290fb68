import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot } from './browser';

/** The fields of an exported record the browser tests compare. */
export interface ExportedRow {
  logId: string;
  tenantId: string;
  operation: string;
  occurredAt: string;
}

export interface PageExport {
  /** How the filters read in the dialog, when the test checks them ("operation CREATE"). */
  filters?: string;
  format: 'ndjson' | 'json';
  /** The rows the export must write: the dialog must end on "Done · N of N rows · ...". */
  rows: number;
  /** A screenshot of the finished dialog, when named. */
  shot?: string;
}

/** The records of a downloaded NDJSON (one per line) or JSON (one array) export, in file order. */
export function parseExport(format: PageExport['format'], text: string): ExportedRow[] {
  if (format === 'json') return JSON.parse(text) as ExportedRow[];
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ExportedRow);
}

/**
 * From a listing page, clicks its Export action, picks the format, starts the export, waits until
 * the dialog reads "Done · N of N rows · ...", downloads the file and closes the dialog. Returns
 * the downloaded records, in file order.
 */
export async function exportFromPage(page: Page, spec: PageExport): Promise<ExportedRow[]> {
  await page.getByTestId('listing-export').click();
  const dialog = page.getByRole('dialog');
  if (spec.filters !== undefined) {
    await expect.poll(() => dialog.getByTestId('export-filters').textContent()).toBe(spec.filters);
  }
  const label = spec.format === 'json' ? /JSON array/ : /NDJSON/;
  await dialog.getByRole('radio', { name: label }).check();
  await dialog.getByTestId('export-start').click();
  // The export worker may start cold on a loaded machine: its first job takes longer than a page.
  await dialog.locator('[data-testid="export-job"][data-state="succeeded"]').waitFor({ timeout: 120_000 });
  // As the user reads it (innerText applies CSS text-transform): "Done · 8 of 8 rows · 4.1 KB".
  const progress = await dialog.getByTestId('export-progress').innerText();
  expect(progress).toMatch(new RegExp(`^Done · ${spec.rows} of ${spec.rows} rows · `));
  if (spec.shot) await screenshot(page, spec.shot);

  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByTestId('export-download').click()]);
  const records = parseExport(spec.format, await readFile(await download.path(), 'utf8'));
  await dialog.getByRole('button', { name: 'Close' }).click();
  return records;
}
