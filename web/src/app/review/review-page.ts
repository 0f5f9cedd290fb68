import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  linkedSignal,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { AccessRecorder } from '../core/access/access-recorder';
import { OPEN_REVIEW_STATUSES, humanize } from '../core/audit-model';
import { Session } from '../core/auth/session';
import { firestoreErrorMessage } from '../core/firestore/firestore-errors';
import { liveQuery } from '../core/live-query';
import { describeFailure } from '../commands/commands';
import { emptyFilter } from '../logs/filters/log-filter';
import { ListingActions } from '../shared/listing-actions';
import { ACTION_LABELS, abilities, needsTwoPersons, type QueueItem } from './review-model';
import { ReviewStore } from './review-store';

type Decision = 'approve' | 'investigate' | 'escalate';

/**
 * The review queue: open flagged entries of the tenant, live; the selected entry with its
 * history; decisions with a mandatory note. Every change goes through the review callables, and
 * the page shows the entry as Firestore has it, so a decision appears the moment it commits.
 */
@Component({
  selector: 'app-review-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, RouterLink, MatButtonModule, MatButtonToggleModule, MatCardModule, MatIconModule, ListingActions],
  templateUrl: './review-page.html',
  styleUrl: './review-page.scss',
})
export class ReviewPage {
  private readonly store = inject(ReviewStore);
  private readonly access = inject(AccessRecorder);
  protected readonly session = inject(Session);

  protected readonly scope = signal<'open' | 'mine'>('open');
  protected readonly me = computed(() => ({ uid: this.session.user()?.uid ?? '', role: this.session.claims().role }));
  private readonly queue = liveQuery<{ tenantId: string; assignee: string | null }, QueueItem[]>({
    params: () => {
      const tenantId = this.session.tenantId();
      if (!tenantId) return undefined;
      return { tenantId, assignee: this.scope() === 'mine' ? this.me().uid : null };
    },
    watch: ({ tenantId, assignee }, next, fail) => this.store.watchQueue(tenantId, assignee, next, fail),
    initial: [],
  });
  protected readonly items = this.queue.value;
  // Loaded once the queue answered or failed; without a tenant there is nothing to load.
  protected readonly loaded = computed(() => this.queue.status() === 'live' || this.queue.status() === 'failed');
  protected readonly queueError = computed(() => firestoreErrorMessage(this.queue.error()));
  protected readonly selectedId = signal<string | null>(null);
  /** The selected entry as Firestore has it now, so a decision shows the moment it commits. */
  private readonly entry = liveQuery<string, QueueItem | null>({
    params: () => this.selectedId() ?? undefined,
    watch: (logId, next, fail) => this.store.watchEntry(logId, next, fail),
    initial: null,
  });
  protected readonly selected = this.entry.value;
  protected readonly note = signal('');
  protected readonly assignee = signal('');
  protected readonly busy = signal(false);
  /** The outcome of the last command, or the entry listener's failure if that came later. */
  protected readonly message = linkedSignal<{ kind: 'ok' | 'error'; text: string } | null>(() => {
    const text = firestoreErrorMessage(this.entry.error());
    return text === null ? null : { kind: 'error', text };
  });
  protected readonly humanize = humanize;
  /** What the queue lists, as a filter: every open flagged entry (Export and Report take it). */
  protected readonly openQueue = emptyFilter({ range: { preset: 'all' }, reviewStatuses: OPEN_REVIEW_STATUSES });
  protected readonly actionLabels = ACTION_LABELS;

  protected readonly can = computed(() => {
    const item = this.selected();
    return item ? abilities(item, this.me()) : null;
  });
  protected readonly twoPersons = computed(() => {
    const item = this.selected();
    return item ? needsTwoPersons(item) : false;
  });
  protected readonly noteOk = computed(() => this.note().trim().length >= 3);

  constructor() {
    // The queue is a query of the log: recorded once it first answers, and again per scope.
    effect(() => {
      if (this.queue.status() !== 'live') return;
      const queue = this.scope();
      const tenantId = this.session.tenantId();
      untracked(() => this.access.searched('review_queue', tenantId, { queue }, this.items().length));
    });
  }

  protected select(item: QueueItem): void {
    if (this.selectedId() === item.logId) return;
    this.access.viewed('review_queue', this.session.tenantId(), item.logId);
    this.selectedId.set(item.logId);
    this.note.set('');
    this.assignee.set('');
    this.message.set(null);
  }

  /** Past its deadline and still undecided (the escalation job will move it, or has). */
  protected overdue(item: QueueItem): boolean {
    return item.review.dueAt !== null && item.review.dueAt.getTime() < Date.now();
  }

  protected onNote(event: Event): void {
    this.note.set((event.target as HTMLTextAreaElement).value);
  }

  protected onAssignee(event: Event): void {
    this.assignee.set((event.target as HTMLInputElement).value);
  }

  protected decide(decision: Decision): Promise<void> {
    return this.run((id) => this.store.decide(id, decision, this.note().trim()));
  }

  protected confirm(): Promise<void> {
    return this.run((id) => this.store.confirm(id, this.note().trim()));
  }

  protected assign(): Promise<void> {
    return this.run((id) => this.store.assign(id, this.assignee().trim(), this.note().trim()));
  }

  private async run(command: (logId: string) => Promise<{ action: string; reviewStatus: string }>): Promise<void> {
    const id = this.selectedId();
    if (!id || this.busy()) return;
    this.busy.set(true);
    this.message.set(null);
    try {
      const result = await command(id);
      this.note.set('');
      this.message.set({
        kind: 'ok',
        text: `${ACTION_LABELS[result.action] ?? result.action}: the entry is now ${result.reviewStatus}.`,
      });
    } catch (err) {
      this.message.set({ kind: 'error', text: describeFailure(err) });
    } finally {
      this.busy.set(false);
    }
  }
}
