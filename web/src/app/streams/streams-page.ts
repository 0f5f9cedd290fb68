import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import type { SinkKind } from '@audit-log/model/callables';
import { Commands, CommandFailure, describeFailure, type FieldProblem } from '../commands/commands';
import { Session } from '../core/auth/session';
import { firestoreErrorMessage } from '../core/firestore/firestore-errors';
import { liveQuery } from '../core/live-query';
import { StreamSource } from './stream-source';
import { createSinkRequest, formatLag, replayInstant, STREAM_KINDS, type StreamRow } from './streams-model';

/**
 * The tenant's streams to external sinks (docs/streams.md), live from `audit_sinks`, which the
 * rules open to the tenant's admins only: health (state, lag, delivered count, last error), and
 * the commands (create a stream of any kind, pause, resume, run now, replay from a time, delete). Every command goes
 * through its callable, which records it in the log.
 */
@Component({
  selector: 'app-streams-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    DecimalPipe,
    FormsModule,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatIconModule,
    MatInputModule,
    MatSelectModule,
  ],
  templateUrl: './streams-page.html',
  styleUrl: './streams-page.scss',
})
export class StreamsPage {
  private readonly source = inject(StreamSource);
  private readonly commands = inject(Commands);
  protected readonly session = inject(Session);

  /** Streams belong to a tenant's admins; platform admins are read-only and see none. */
  protected readonly allowed = computed(() => this.session.claims().role === 'admin' && !!this.session.tenantId());
  private readonly streams = liveQuery<string, StreamRow[]>({
    params: () => (this.allowed() ? (this.session.tenantId() ?? undefined) : undefined),
    watch: (tenantId, next, fail) => this.source.watch(tenantId, next, fail),
    initial: [],
  });
  protected readonly rows = this.streams.value;
  protected readonly listProblem = computed(() => firestoreErrorMessage(this.streams.error()));
  protected readonly formatLag = formatLag;

  protected readonly kinds = STREAM_KINDS;
  protected readonly kind = signal<SinkKind>('webhook');
  protected readonly name = signal('');
  protected readonly url = signal('');
  protected readonly topic = signal('');
  protected readonly bucket = signal('');
  protected readonly prefix = signal('');
  protected readonly fieldProblems = signal<readonly FieldProblem[]>([]);
  /** The signing key of a stream just created: shown once, here. */
  protected readonly createdSecret = signal<{ name: string; secret: string } | null>(null);
  protected readonly replayFrom = signal<Record<string, string>>({});
  protected readonly busy = signal<string | null>(null);
  protected readonly message = signal<{ ok: boolean; text: string } | null>(null);

  protected problemOf(field: string): string | null {
    return this.fieldProblems().find((p) => p.path === field)?.message ?? null;
  }

  protected async create(): Promise<void> {
    this.fieldProblems.set([]);
    await this.run('create', async () => {
      const request = createSinkRequest({
        kind: this.kind(),
        name: this.name(),
        url: this.url(),
        topic: this.topic(),
        bucket: this.bucket(),
        prefix: this.prefix(),
      });
      const created = await this.commands.call('createSink', request);
      this.createdSecret.set({ name: this.name(), secret: created.secret });
      for (const field of [this.name, this.url, this.topic, this.bucket, this.prefix]) field.set('');
      return 'Stream created. It starts with the entries recorded from now on.';
    });
  }

  protected pause(row: StreamRow) {
    return this.run(row.sinkId, async () => {
      await this.commands.call('pauseSink', { sinkId: row.sinkId });
      return `${row.name} paused.`;
    });
  }

  protected resume(row: StreamRow) {
    return this.run(row.sinkId, async () => {
      await this.commands.call('resumeSink', { sinkId: row.sinkId });
      return `${row.name} resumed.`;
    });
  }

  protected runNow(row: StreamRow) {
    return this.run(row.sinkId, async () => {
      const report = await this.commands.call('runSinks', { sinkId: row.sinkId });
      const outcome = report.sinks[0];
      return `${row.name}: ${outcome?.delivered ?? 0} entries delivered (${outcome?.status ?? 'nothing to do'}).`;
    });
  }

  protected setReplayFrom(row: StreamRow, value: string): void {
    this.replayFrom.update((all) => ({ ...all, [row.sinkId]: value }));
  }

  protected replay(row: StreamRow) {
    const from = replayInstant(this.replayFrom()[row.sinkId] ?? '');
    if (from === null) {
      this.message.set({ ok: false, text: 'Pick the date and time to replay from.' });
      return Promise.resolve();
    }
    return this.run(row.sinkId, async () => {
      await this.commands.call('replaySink', { sinkId: row.sinkId, from });
      return `${row.name} replays every entry recorded since ${new Date(from).toLocaleString()}.`;
    });
  }

  protected remove(row: StreamRow) {
    return this.run(row.sinkId, async () => {
      await this.commands.call('deleteSink', { sinkId: row.sinkId });
      return `${row.name} deleted.`;
    });
  }

  private async run(key: string, work: () => Promise<string>): Promise<void> {
    this.busy.set(key);
    this.message.set(null);
    try {
      this.message.set({ ok: true, text: await work() });
    } catch (err) {
      const failure = CommandFailure.from(err);
      this.fieldProblems.set(failure.fields);
      this.message.set({ ok: false, text: describeFailure(failure) });
    } finally {
      this.busy.set(null);
    }
  }
}
