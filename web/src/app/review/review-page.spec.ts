import type { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { signal } from '@angular/core';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import { provideRouter } from '@angular/router';
import type { User } from 'firebase/auth';
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { CommandFailure } from '../commands/commands';
import { AccessRecorder } from '../core/access/access-recorder';
import type { Claims } from '../core/auth/roles';
import { Session } from '../core/auth/session';
import { describeFirestoreError } from '../core/firestore/firestore-errors';
import { ReviewPage } from './review-page';
import { ReviewPageHarness } from './review-page-harness';
import type { QueueItem } from './review-model';
import { ReviewStore, type ReviewResult } from './review-store';

/** One listener the page started on the fake store. */
interface Watch<T> {
  readonly args: unknown[];
  readonly next: (value: T) => void;
  readonly fail: (err: unknown) => void;
  stopped: boolean;
}

/** The review store without Firestore: listeners are recorded and answered by the test. */
class FakeReviewStore implements Pick<ReviewStore, 'watchQueue' | 'watchEntry' | 'decide' | 'confirm' | 'assign'> {
  readonly queues: Watch<QueueItem[]>[] = [];
  readonly entries: Watch<QueueItem | null>[] = [];
  readonly decide = vi.fn<ReviewStore['decide']>();
  readonly confirm = vi.fn<ReviewStore['confirm']>();
  readonly assign = vi.fn<ReviewStore['assign']>();

  watchQueue(
    tenantId: string,
    assignee: string | null,
    next: (items: QueueItem[]) => void,
    fail: (e: unknown) => void,
  ) {
    return this.record(this.queues, [tenantId, assignee], next, fail);
  }

  watchEntry(logId: string, next: (item: QueueItem | null) => void, fail: (e: unknown) => void) {
    return this.record(this.entries, [logId], next, fail);
  }

  private record<T>(list: Watch<T>[], args: unknown[], next: (v: T) => void, fail: (e: unknown) => void) {
    const watch: Watch<T> = { args, next, fail, stopped: false };
    list.push(watch);
    return () => {
      watch.stopped = true;
    };
  }
}

/** The parts of the session the page reads, for a signed-in reviewer of tenant-a. */
function fakeSession(role: Claims['role'] = 'reviewer') {
  return {
    user: signal({ uid: 'rev-1', email: 'rev@example.com' } as User),
    claims: signal<Claims>({ tenantId: 'tenant-a', role, platformAdmin: false }),
    tenantId: signal('tenant-a'),
  };
}

function item(overrides: Partial<QueueItem> = {}): QueueItem {
  return {
    logId: 'log-1',
    eventType: 'repo.visibility_changed',
    level: 'WARNING',
    category: 'DATA_MODIFICATION',
    outcome: 'success',
    occurredAt: new Date(2026, 4, 1, 12, 0),
    actor: { type: 'user', id: 'dev-7' },
    reviewStatus: 'pending',
    review: { assignee: null, dueAt: null, decisions: [], awaitingConfirmation: null, overdueEscalatedAt: null },
    ...overrides,
  };
}

function result(action: ReviewResult['action'], reviewStatus: ReviewResult['reviewStatus']): ReviewResult {
  return {
    logId: 'log-1',
    action,
    reviewStatus,
    awaitingConfirmation: false,
    auditEventId: 'review-event-1',
    auditLogId: 'audit-1',
  };
}

function last<T>(list: T[]): T {
  const value = list[list.length - 1];
  if (value === undefined) throw new Error('nothing recorded yet');
  return value;
}

describe('ReviewPage', () => {
  let store: FakeReviewStore;
  let fixture: ComponentFixture<ReviewPage>;
  let page: ReviewPageHarness;
  let loader: HarnessLoader;
  let access: { searched: Mock; viewed: Mock };

  beforeEach(async () => {
    store = new FakeReviewStore();
    access = { searched: vi.fn(), viewed: vi.fn() };
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        { provide: ReviewStore, useValue: store },
        { provide: Session, useValue: fakeSession() },
        { provide: AccessRecorder, useValue: access },
      ],
    });
    fixture = TestBed.createComponent(ReviewPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    page = await TestbedHarnessEnvironment.harnessForFixture(fixture, ReviewPageHarness);
  });

  /** Shows the queue, opens its first entry and lets the entry listener answer with `entry`. */
  async function open(entry: QueueItem): Promise<void> {
    last(store.queues).next([entry]);
    await page.selectQueueRow(0);
    expect(last(store.entries).args).toEqual([entry.logId]);
    last(store.entries).next(entry);
    await fixture.whenStable();
  }

  it('lists the tenant open queue, and shows a refused listener as the access message', async () => {
    expect(store.queues.map((q) => q.args)).toEqual([['tenant-a', null]]);
    expect(await page.getQueueText()).toContain('Loading the queue');

    last(store.queues).next([item(), item({ logId: 'log-2', eventType: 'auth.role_granted' })]);
    expect(await page.getQueueLogIds()).toEqual(['log-1', 'log-2']);

    last(store.queues).fail(
      Object.assign(new Error('Missing or insufficient permissions.'), { code: 'permission-denied' }),
    );
    expect(await page.getQueueProblem()).toBe(describeFirestoreError({ code: 'permission-denied' }).message);
  });

  it('records the queue as one search once it answers, and each entry opened as a view', async () => {
    expect(access.searched).not.toHaveBeenCalled();
    last(store.queues).next([item(), item({ logId: 'log-2' })]);
    await fixture.whenStable();
    // A snapshot that changes the rows is the same query: no second record.
    last(store.queues).next([item()]);
    await fixture.whenStable();
    expect(access.searched.mock.calls).toEqual([['review_queue', 'tenant-a', { queue: 'open' }, 2]]);
    await page.selectQueueRow(0);
    await page.selectQueueRow(0);
    expect(access.viewed.mock.calls).toEqual([['review_queue', 'tenant-a', 'log-1']]);
  });

  it('narrows the queue to the signed-in reviewer with "Assigned to me"', async () => {
    const mine = await loader.getHarness(MatButtonToggleHarness.with({ text: 'Assigned to me' }));
    await mine.check();
    expect(store.queues.map((q) => q.args)).toEqual([
      ['tenant-a', null],
      ['tenant-a', 'rev-1'],
    ]);
    expect(store.queues[0]?.stopped).toBe(true);
  });

  it('sends a decision with the entry and the trimmed note, and reports the new status', async () => {
    await open(item());
    const escalate = await loader.getHarness(MatButtonHarness.with({ text: 'Escalate' }));
    // A note is mandatory: under three characters the decision buttons stay disabled.
    await page.setNote(' ok ');
    expect(await escalate.isDisabled()).toBe(true);

    await page.setNote('  Visibility change was not approved  ');
    expect(await escalate.isDisabled()).toBe(false);
    store.decide.mockResolvedValue(result('escalated', 'escalated'));
    await escalate.click();
    expect(store.decide).toHaveBeenCalledExactlyOnceWith('log-1', 'escalate', 'Visibility change was not approved');
    expect(await page.getMessage()).toBe('Escalated: the entry is now escalated.');
  });

  it('confirms another reviewer approval of a critical security entry', async () => {
    const waiting = { by: { uid: 'rev-2', email: 'other@example.com' }, note: 'fine', at: null };
    await open(
      item({
        level: 'CRITICAL',
        category: 'SECURITY',
        review: { ...item().review, awaitingConfirmation: waiting },
      }),
    );
    expect(await page.getAwaitingConfirmation()).toContain('Approved by other@example.com');
    await page.setNote('Checked the change ticket');
    store.confirm.mockResolvedValue(result('confirmed', 'approved'));
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Confirm approval' }))).click();
    expect(store.confirm).toHaveBeenCalledExactlyOnceWith('log-1', 'Checked the change ticket');
    expect(store.decide).not.toHaveBeenCalled();
  });

  it('shows a refused decision and keeps the note for another try', async () => {
    await open(item());
    await page.setNote('Looks intended');
    store.decide.mockRejectedValue(new CommandFailure('self_review', 'You cannot review your own action.'));
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Approve' }))).click();
    expect(store.decide).toHaveBeenCalledExactlyOnceWith('log-1', 'approve', 'Looks intended');
    expect(await page.getMessage()).toBe('You cannot review your own action.');
    expect(await page.getNote()).toBe('Looks intended');
  });

  it('shows the failure of the selected entry listener', async () => {
    await open(item());
    last(store.entries).fail(Object.assign(new Error('denied'), { code: 'permission-denied' }));
    expect(await page.getMessage()).toBe(describeFirestoreError({ code: 'permission-denied' }).message);
  });
});
