import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RollupAccumulator, type RollupEntryView } from '@audit-log/model/rollup';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Commands } from '../commands/commands';
import type { Claims } from '../core/auth/roles';
import { Session } from '../core/auth/session';
import { LogRepository } from '../core/firestore/log-repository';
import { DashboardPage } from './dashboard-page';
import { datesFor } from './dashboard-plan';
import { riskLine } from './dashboard-view';
import { RollupSource, type RollupView } from './rollup-source';

const NOW = new Date('2026-03-30T12:00:00Z');

function entry(over: Partial<RollupEntryView>): RollupEntryView {
  return {
    eventType: 'repo.created',
    category: 'DATA_MODIFICATION',
    level: 'INFO',
    outcome: 'success',
    actor: { type: 'user', id: 'u-dev', name: 'Dev' },
    ...over,
  };
}

/** A day's rollup, accumulated as the rollup job does. */
function day(date: string, entries: RollupEntryView[], final = true): RollupView {
  const acc = new RollupAccumulator();
  entries.forEach((e) => acc.add(e));
  return {
    ...acc.result(),
    tenantId: 'tenant-a',
    date,
    final,
    archived: false,
    computedAt: null,
    lateLogIds: [],
    uncounted: 0,
  };
}

const mallory = { type: 'user' as const, id: 'u-mallory', name: 'Mallory' };
const denied = entry({
  eventType: 'permission.check.denied',
  category: 'AUTHORIZATION',
  level: 'WARNING',
  outcome: 'denied',
  actor: mallory,
});
const anomaly = entry({
  eventType: 'security.anomaly.repeated_denials',
  category: 'SECURITY',
  level: 'CRITICAL',
  actor: mallory,
});

describe('DashboardPage', () => {
  const period = vi.fn<RollupSource['period']>();
  const count = vi.fn<LogRepository['count']>();
  const call = vi.fn();

  beforeEach(() => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    period.mockReset();
    count.mockReset();
    call.mockReset();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: RollupSource, useValue: { period } },
        // Only counts: the page never reads a sample of entries.
        { provide: LogRepository, useValue: { count } },
        { provide: Commands, useValue: { call } },
        {
          provide: Session,
          useValue: {
            claims: signal<Claims>({ tenantId: 'tenant-a', role: 'auditor', platformAdmin: false }),
            tenantId: signal('tenant-a'),
            scope: signal({ tenantId: 'tenant-a' }),
          },
        },
      ],
    });
  });

  it('shows 30 days of figures summed from the daily rollups, and ranks actors by risk over the period', async () => {
    const dates = datesFor('30d', NOW);
    // Dev is busier; Mallory is riskier, with denials on one day and the anomaly they raised on another.
    period.mockResolvedValue([
      day(dates[0]!, [entry({}), entry({}), denied, denied]),
      day(dates[10]!, [entry({}), denied, denied, denied, anomaly, entry({ outcome: 'failure', level: 'ERROR' })]),
      day(dates[29]!, [entry({})], false),
    ]);
    count.mockResolvedValueOnce(4).mockResolvedValueOnce(7);

    const fixture = TestBed.createComponent(DashboardPage);
    await vi.waitFor(() => expect(fixture.componentInstance['data']()).not.toBeNull());
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const text = (id: string) => el.querySelector(`[data-testid="${id}"] .value`)?.textContent?.trim();

    // One query for the whole period, the tenant's, from the first day to today.
    expect(period).toHaveBeenCalledTimes(1);
    expect(period).toHaveBeenCalledWith('tenant-a', '2026-03-01', '2026-03-30');
    expect(text('kpi-critical')).toBe('4');
    expect(text('kpi-pending')).toBe('7');
    expect(text('kpi-total')).toBe('11');

    const lines = [...el.querySelectorAll('[data-testid="risky-actor"]')].map((li) => li.textContent?.trim());
    // Mallory: 5 denials (15) + 1 CRITICAL (5) + 1 SECURITY (2) + 1 anomaly (10) = 32; Dev: 1 failure.
    expect(lines).toEqual(['Mallory 32 (5 denials, 1 CRITICAL, 1 SECURITY, 1 anomaly)', 'Dev 1 (1 failure)']);

    const label = (title: string) =>
      [...el.querySelectorAll('[role="img"]')]
        .map((c) => c.getAttribute('aria-label'))
        .find((l) => l?.startsWith(title));
    expect(label('Entries per day by level')).toBe('Entries per day by level: 4 INFO, 5 WARNING, 1 ERROR, 1 CRITICAL');
    expect(label('By category')).toBe('By category: Authorization 5, Data modification 5, Security 1');
    expect(label('Anomaly patterns per day')).toBe('Anomaly patterns per day: Repeated denials 1');
    expect(el.querySelector('[data-testid="missing-days"]')?.textContent).toContain('27 of the period');
    // An auditor may not compute rollups.
    expect(el.querySelector('[data-testid="compute-rollups"]')).toBeNull();
  });

  it("words an actor's score with the components that made it", () => {
    const acc = new RollupAccumulator();
    [denied, anomaly].forEach((e) => acc.add(e));
    expect(riskLine(acc.result().actors[0]!)).toBe('Mallory 20 (1 denial, 1 CRITICAL, 1 SECURITY, 1 anomaly)');
  });
});
