import { TestKey } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditLogEntry } from '../../core/audit-model';
import { LogRepository, type LogPage, type LogReader } from '../../core/firestore/log-repository';
import { emptyFilter } from '../filters/log-filter';
import { LogDataSource } from './log-data-source';
import { LogTable } from './log-table';
import { LogTableHarness } from './log-table-harness';

/** Answers every page with the same entries and never tails: the table only renders what it gets. */
class FakeLogReader implements LogReader {
  constructor(private readonly entries: AuditLogEntry[]) {}

  page(): Promise<LogPage> {
    return Promise.resolve({ entries: this.entries, next: null });
  }

  watch(): () => void {
    return () => undefined;
  }
}

function entry(overrides: Partial<AuditLogEntry> & Pick<AuditLogEntry, 'logId'>): AuditLogEntry {
  return {
    specVersion: '1.0',
    eventId: `event-${overrides.logId}`,
    eventType: 'repo.created',
    tenantId: 'tenant-a',
    occurredAt: new Date(2026, 4, 1, 12, 0, 0),
    recordedAt: null,
    source: 'github',
    actor: { type: 'user', id: 'u-1' },
    operation: 'create',
    outcome: 'success',
    category: 'DATA_MODIFICATION',
    level: 'INFO',
    requiresReview: false,
    reviewStatus: 'none',
    changedFields: [],
    redactions: [],
    searchTokens: [],
    hash: 'h',
    ...overrides,
  };
}

const ENTRIES: AuditLogEntry[] = [
  entry({
    logId: 'log-1',
    occurredAt: new Date(2026, 4, 1, 12, 0, 5),
    eventType: 'repo.visibility_changed',
    level: 'CRITICAL',
    category: 'SECURITY',
    actor: { type: 'user', id: 'u-1', name: 'Ada', email: 'ada@example.com' },
    resource: { type: 'repository', id: 'r-1', name: 'web' },
    reviewStatus: 'pending',
  }),
  entry({
    logId: 'log-2',
    occurredAt: new Date(2026, 4, 1, 11, 59, 0),
    eventType: 'auth.login_failed',
    level: 'WARNING',
    category: 'AUTHENTICATION',
    actor: { type: 'user', id: 'u-2', email: 'bob@example.com' },
    outcome: 'denied',
  }),
  entry({ logId: 'log-3', occurredAt: new Date(2026, 4, 1, 11, 0, 0), actor: { type: 'service' } }),
];

async function render(entries: AuditLogEntry[]) {
  TestBed.configureTestingModule({ providers: [{ provide: LogRepository, useValue: new FakeLogReader(entries) }] });
  const source = new LogDataSource(TestBed.inject(LogRepository));
  const fixture = TestBed.createComponent(LogTable);
  fixture.componentRef.setInput('dataSource', source);
  const opened: AuditLogEntry[] = [];
  fixture.componentInstance.opened.subscribe((e) => opened.push(e));
  source.query(emptyFilter(), { tenantId: 'tenant-a' });
  await vi.waitFor(() => expect(source.loading()).toBe(false));
  const table = await TestbedHarnessEnvironment.harnessForFixture(fixture, LogTableHarness);
  return { table, opened };
}

describe('LogTable', () => {
  // jsdom does no layout and has no scrolling API; the grid scrolls the active row into view.
  const hadScrollTo = 'scrollTo' in Element.prototype;
  beforeEach(() => {
    if (!hadScrollTo) Element.prototype.scrollTo = () => undefined;
  });
  afterEach(() => {
    if (!hadScrollTo) delete (Element.prototype as Partial<Element>).scrollTo;
  });

  it('renders a row per entry of its data source, with readable actor, resource and review', async () => {
    const { table } = await render(ENTRIES);
    expect(await table.getHeaders()).toEqual([
      'Time',
      'Level',
      'Category',
      'Event type',
      'Actor',
      'Resource',
      'Outcome',
      'Review',
    ]);
    expect(await table.getAnnouncedRowCount()).toBe(3);
    expect(await table.getRows()).toEqual([
      {
        logId: 'log-1',
        time: '2026-05-01 12:00:05',
        level: 'CRITICAL',
        category: 'Security',
        eventType: 'repo.visibility_changed',
        actor: 'Ada',
        resource: 'repository/web',
        outcome: 'success',
        review: 'pending',
      },
      {
        logId: 'log-2',
        time: '2026-05-01 11:59:00',
        level: 'WARNING',
        category: 'Authentication',
        eventType: 'auth.login_failed',
        actor: 'bob@example.com',
        resource: '—',
        outcome: 'denied',
        review: '',
      },
      {
        logId: 'log-3',
        time: '2026-05-01 11:00:00',
        level: 'INFO',
        category: 'Data modification',
        eventType: 'repo.created',
        actor: 'service',
        resource: '—',
        outcome: 'success',
        review: '',
      },
    ]);
  });

  it('renders only the header when the data source has no entries', async () => {
    const { table } = await render([]);
    expect(await table.getRows()).toEqual([]);
    expect(await table.getAnnouncedRowCount()).toBe(0);
  });

  it('opens the clicked entry', async () => {
    const { table, opened } = await render(ENTRIES);
    await table.clickRow(1);
    expect(opened.map((e) => e.logId)).toEqual(['log-2']);
    expect(await table.getActiveLogId()).toBe('log-2');
  });

  it('moves the active row with the keyboard and opens it with Enter', async () => {
    const { table, opened } = await render(ENTRIES);
    expect(await table.getActiveLogId()).toBe('log-1');
    await table.pressKey(TestKey.DOWN_ARROW);
    await table.pressKey(TestKey.DOWN_ARROW);
    // Past the last row the active row stays on it.
    await table.pressKey(TestKey.DOWN_ARROW);
    expect(await table.getActiveLogId()).toBe('log-3');
    await table.pressKey(TestKey.HOME);
    await table.pressKey(TestKey.DOWN_ARROW);
    await table.pressKey(TestKey.ENTER);
    expect(opened.map((e) => e.logId)).toEqual(['log-2']);
  });
});
