import { DatePipe, DecimalPipe, PercentPipe } from '@angular/common';
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
import { Firestore } from '@angular/fire/firestore';
import type { CallableOutput, OutboxItem } from '@audit-log/model/callables';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { collection, limit, onSnapshot, orderBy, query, where } from 'firebase/firestore';
import { Session } from '../core/auth/session';
import { firestoreErrorMessage } from '../core/firestore/firestore-errors';
import { liveQuery } from '../core/live-query';
import { Commands, describeFailure } from '../commands/commands';
import { toDeadLetterRow, type DeadLetterRow } from './dead-letter-row';
import { StreamGaps } from './stream-gaps/stream-gaps';

type Health = CallableOutput<'ingestHealth'>;

interface OutboxRow {
  id: string;
  status: string;
  eventType?: string;
  eventId?: string;
  source?: string;
  failure?: { reason?: string; message?: string };
}

/** A stored string field, or the fallback when it is absent or not a string. */
function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

/** An outbox document as listed: its fields are the producer's, so each is checked before it is shown. */
function toOutboxRow(item: OutboxItem): OutboxRow {
  const failure = item.failure as { reason?: unknown; message?: unknown } | null | undefined;
  const eventType = str(item.eventType, '');
  const eventId = str(item.eventId, '');
  const source = str(item.source, '');
  return {
    id: item.id,
    status: item.status,
    ...(eventType !== '' ? { eventType } : {}),
    ...(eventId !== '' ? { eventId } : {}),
    ...(source !== '' ? { source } : {}),
    ...(failure && typeof failure === 'object'
      ? { failure: { reason: str(failure.reason), message: str(failure.message) } }
      : {}),
  };
}

/**
 * Operator view of one tenant's ingest: health (events per minute, dead-letter rate, outbox
 * backlog), dead letters with their reasons and a replay action, and the pending and failed
 * outbox documents. Tenant admins see their tenant; platform admins the tenant they picked.
 */
@Component({
  selector: 'app-operations-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DecimalPipe, PercentPipe, RouterLink, MatButtonModule, MatCardModule, MatIconModule, StreamGaps],
  templateUrl: './operations-page.html',
  styleUrl: './operations-page.scss',
})
export class OperationsPage {
  private readonly db = inject(Firestore);
  private readonly commands = inject(Commands);
  protected readonly session = inject(Session);

  protected readonly allowed = computed(
    () => this.session.claims().platformAdmin || this.session.claims().role === 'admin',
  );
  protected readonly health = signal<Health[]>([]);
  private readonly deadLetters = liveQuery<string, DeadLetterRow[]>({
    params: () => (this.allowed() ? this.session.tenantId() || undefined : undefined),
    watch: (tenantId, next, fail) =>
      onSnapshot(
        query(
          collection(this.db, 'audit_dead_letters'),
          where('tenantId', '==', tenantId),
          orderBy('receivedAt', 'desc'),
          limit(50),
        ),
        (snap) => next(snap.docs.map((d) => toDeadLetterRow(d.id, d.data()))),
        fail,
      ),
    initial: [],
  });
  protected readonly letters = this.deadLetters.value;
  protected readonly outbox = signal<OutboxRow[]>([]);
  /** The dead-letter listener's failure, until a refresh reports a newer outcome. */
  protected readonly problem = linkedSignal(() => firestoreErrorMessage(this.deadLetters.error()));
  protected readonly replaying = signal<string | null>(null);
  protected readonly replayResult = signal<{ id: string; text: string; ok: boolean } | null>(null);

  constructor() {
    // Health and the outbox are callables, not listeners: load them again for each tenant in view.
    effect(() => {
      if (this.allowed() && this.session.tenantId()) untracked(() => void this.refresh());
    });
  }

  /** Reloads health and the outbox (callables; neither is readable from a client directly). */
  protected async refresh(): Promise<void> {
    const tenantId = this.session.tenantId();
    if (!tenantId) return;
    try {
      const [recent, hour, failed, pending] = await Promise.all([
        this.commands.call('ingestHealth', { tenantId, windowMinutes: 5 }),
        this.commands.call('ingestHealth', { tenantId, windowMinutes: 60 }),
        this.commands.call('listOutbox', { tenantId, status: 'failed' }),
        this.commands.call('listOutbox', { tenantId, status: 'pending' }),
      ]);
      this.health.set([recent, hour]);
      this.outbox.set([...failed.items, ...pending.items].map(toOutboxRow));
      this.problem.set(null);
    } catch (err) {
      this.problem.set(describeFailure(err));
    }
  }

  protected async replay(row: DeadLetterRow): Promise<void> {
    this.replaying.set(row.id);
    this.replayResult.set(null);
    try {
      const answer = await this.commands.call('replayDeadLetter', { deadLetterId: row.id });
      this.replayResult.set({
        id: row.id,
        ok: answer.outcome !== 'rejected',
        text:
          answer.outcome === 'rejected'
            ? `Still rejected: ${answer.reason} ${answer.message}`
            : `Replayed: ${answer.outcome}.`,
      });
      await this.refresh();
    } catch (err) {
      this.replayResult.set({ id: row.id, ok: false, text: describeFailure(err) });
    } finally {
      this.replaying.set(null);
    }
  }
}
