import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { humanize } from '../core/audit-model';
import { Session } from '../core/auth/session';
import { describeFirestoreError } from '../core/firestore/firestore-errors';
import { describeFailure } from '../commands/commands';
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
  imports: [DatePipe, RouterLink, MatButtonModule, MatButtonToggleModule, MatCardModule, MatIconModule],
  templateUrl: './review-page.html',
  styleUrl: './review-page.scss',
})
export class ReviewPage {
  private readonly store = inject(ReviewStore);
  protected readonly session = inject(Session);

  protected readonly scope = signal<'open' | 'mine'>('open');
  protected readonly items = signal<QueueItem[]>([]);
  protected readonly loaded = signal(false);
  protected readonly queueError = signal<string | null>(null);
  protected readonly selectedId = signal<string | null>(null);
  protected readonly selected = signal<QueueItem | null>(null);
  protected readonly note = signal('');
  protected readonly assignee = signal('');
  protected readonly busy = signal(false);
  protected readonly message = signal<{ kind: 'ok' | 'error'; text: string } | null>(null);
  protected readonly humanize = humanize;
  protected readonly actionLabels = ACTION_LABELS;

  protected readonly me = computed(() => ({ uid: this.session.user()?.uid ?? '', role: this.session.claims().role }));
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
    const destroyRef = inject(DestroyRef);
    let stopQueue: (() => void) | null = null;
    let stopEntry: (() => void) | null = null;
    destroyRef.onDestroy(() => {
      stopQueue?.();
      stopEntry?.();
    });

    effect(() => {
      const tenantId = this.session.tenantId();
      const mine = this.scope() === 'mine' ? this.me().uid : null;
      untracked(() => {
        stopQueue?.();
        stopQueue = null;
        this.loaded.set(false);
        if (!tenantId) return;
        stopQueue = this.store.watchQueue(
          tenantId,
          mine,
          (items) => {
            this.items.set(items);
            this.loaded.set(true);
            this.queueError.set(null);
          },
          (err) => {
            this.queueError.set(describeFirestoreError(err).message);
            this.loaded.set(true);
          },
        );
      });
    });

    effect(() => {
      const id = this.selectedId();
      untracked(() => {
        stopEntry?.();
        stopEntry = null;
        this.selected.set(null);
        if (!id) return;
        stopEntry = this.store.watchEntry(
          id,
          (item) => this.selected.set(item),
          (err) => this.message.set({ kind: 'error', text: describeFirestoreError(err).message }),
        );
      });
    });
  }

  protected select(item: QueueItem): void {
    if (this.selectedId() === item.logId) return;
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
