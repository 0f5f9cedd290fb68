import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { provideRouter } from '@angular/router';
import { describe, expect, it, vi } from 'vitest';
import type { Claims } from '../core/auth/roles';
import { Session } from '../core/auth/session';
import { ExportStore } from '../exports/export-store';
import { emptyFilter, type LogFilter } from '../logs/filters/log-filter';
import type { ReportKind } from '../reports/report-model';
import { ListingActions } from './listing-actions';

/** The page's filter: last 30 days of CRITICAL deletions. */
const FILTER: LogFilter = emptyFilter({ range: { preset: '30d' }, levels: ['CRITICAL'], operations: ['DELETE'] });

async function render(role: Claims['role'], report: ReportKind | null = null) {
  const store = { start: vi.fn(), watch: vi.fn(() => () => undefined), cancel: vi.fn(), downloadUrl: vi.fn() };
  TestBed.configureTestingModule({
    providers: [
      provideRouter([]),
      { provide: Session, useValue: { claims: signal<Claims>({ tenantId: 'tenant-a', role, platformAdmin: false }) } },
      { provide: ExportStore, useValue: store },
    ],
  });
  const fixture = TestBed.createComponent(ListingActions);
  fixture.componentRef.setInput('filter', FILTER);
  fixture.componentRef.setInput('report', report);
  await fixture.whenStable();
  return {
    fixture,
    loader: TestbedHarnessEnvironment.loader(fixture),
    root: TestbedHarnessEnvironment.documentRootLoader(fixture),
    store,
  };
}

describe('ListingActions', () => {
  it('opens the export dialog with the page’s filter', async () => {
    const { loader, root } = await render('auditor');
    expect(await root.getAllHarnesses(MatDialogHarness)).toHaveLength(0);
    await (await loader.getHarness(MatButtonHarness.with({ text: /Export/ }))).click();
    const dialog = await root.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Export audit entries');
    expect((await dialog.getContentText()).replace(/\s+/g, ' ')).toContain('Filters: level CRITICAL, operation DELETE');
  });

  it('links Report to the report form with the page’s kind and days, for roles that may generate reports', async () => {
    const { loader } = await render('compliance', 'security');
    const report = await loader.getHarness(MatButtonHarness.with({ text: /Report/ }));
    const href = await (await report.host()).getAttribute('href');
    const url = new URL(href ?? '', 'http://console.test');
    expect(url.pathname).toBe('/reports');
    expect(url.searchParams.get('kind')).toBe('security');
    expect(url.searchParams.get('to')).toBe(new Date().toISOString().slice(0, 10));
    expect(url.searchParams.get('from')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('shows each action only to the roles that may use it, and Report only where a kind fits', async () => {
    const texts = async (role: Claims['role'], report: ReportKind | null) => {
      TestBed.resetTestingModule();
      const { loader } = await render(role, report);
      return Promise.all((await loader.getAllHarnesses(MatButtonHarness)).map((b) => b.getText()));
    };
    expect(await texts('auditor', 'security')).toEqual(['download Export']);
    expect(await texts('admin', 'change')).toEqual(['download Export', 'picture_as_pdf Report']);
    expect(await texts('admin', null)).toEqual(['download Export']);
    expect(await texts('reviewer', 'compliance')).toEqual([]);
    expect(await texts('member', 'compliance')).toEqual([]);
  });
});
