import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTooltipModule } from '@angular/material/tooltip';
import type { DocumentSnapshot } from 'firebase/firestore';
import { Session } from '../core/auth/session';
import { firestoreErrorMessage } from '../core/firestore/firestore-errors';
import { describeFailure } from '../commands/commands';
import {
  CHECKPOINT_PAGE_SIZE,
  canRunIntegrityJobs,
  checkRows,
  describeCheckpointRun,
  describeIntegrityCheck,
  shortHash,
  type CheckpointRow,
  type RunView,
} from './integrity-model';
import { IntegrityStore } from './integrity-store';

/**
 * The tenant's checkpoint chain, newest first, each row checked in the browser (its hash, its link
 * to the row before it, its signature), and the last verification run with its findings.
 */
@Component({
  selector: 'app-integrity-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, DecimalPipe, MatButtonModule, MatIconModule, MatProgressBarModule, MatTooltipModule],
  templateUrl: './integrity-page.html',
  styleUrl: './integrity-page.scss',
})
export class IntegrityPage {
  private readonly session = inject(Session);
  private readonly store = inject(IntegrityStore);

  protected readonly rows = signal<CheckpointRow[]>([]);
  protected readonly loading = signal(false);
  protected readonly problem = signal<string | null>(null);
  protected readonly run = signal<RunView | null>(null);
  protected readonly runProblem = signal<string | null>(null);
  /** Start of each page shown so far (null: the newest); the last one is the current page. */
  private readonly starts = signal<(DocumentSnapshot | null)[]>([null]);
  private readonly next = signal<DocumentSnapshot | null>(null);
  protected readonly pageNumber = computed(() => this.starts().length);
  protected readonly hasOlder = computed(() => this.next() !== null);
  protected readonly shortHash = shortHash;
  protected readonly pageSize = CHECKPOINT_PAGE_SIZE;
  protected readonly canRunJobs = computed(() => canRunIntegrityJobs(this.session.claims(), this.session.tenantId()));
  protected readonly checkpointing = signal(false);
  protected readonly verifying = signal(false);
  protected readonly jobMessage = signal<string | null>(null);

  constructor() {
    effect(() => {
      const tenantId = this.session.tenantId();
      untracked(() => {
        this.starts.set([null]);
        if (tenantId) void this.reload(tenantId);
      });
    });
  }

  private async reload(tenantId: string): Promise<void> {
    await Promise.all([this.loadPage(tenantId), this.loadRun(tenantId)]);
  }

  private async loadPage(tenantId: string): Promise<void> {
    this.loading.set(true);
    this.problem.set(null);
    try {
      const start = this.starts()[this.starts().length - 1] ?? null;
      const page = await this.store.page(tenantId, start);
      const keys = await this.store.keysFor(page.checkpoints);
      this.rows.set(await checkRows(page.checkpoints, CHECKPOINT_PAGE_SIZE, page.complete, keys));
      this.next.set(page.next);
    } catch (err) {
      this.rows.set([]);
      this.problem.set(firestoreErrorMessage(err));
    } finally {
      this.loading.set(false);
    }
  }

  private async loadRun(tenantId: string): Promise<void> {
    this.runProblem.set(null);
    try {
      this.run.set(await this.store.lastRun(tenantId));
    } catch (err) {
      this.runProblem.set(firestoreErrorMessage(err));
    }
  }

  protected older(): void {
    const next = this.next();
    const tenantId = this.session.tenantId();
    if (!next || !tenantId) return;
    this.starts.update((s) => [...s, next]);
    void this.loadPage(tenantId);
  }

  protected newer(): void {
    const tenantId = this.session.tenantId();
    if (this.starts().length <= 1 || !tenantId) return;
    this.starts.update((s) => s.slice(0, -1));
    void this.loadPage(tenantId);
  }

  /** Seals the tenant's entries older than the grace period in new checkpoints, then reloads. */
  protected async checkpointNow(): Promise<void> {
    const tenantId = this.session.tenantId();
    if (!tenantId || this.checkpointing()) return;
    this.checkpointing.set(true);
    this.jobMessage.set(null);
    try {
      const report = await this.store.checkpointNow(tenantId, this.session.claims().platformAdmin);
      this.jobMessage.set(describeCheckpointRun(report));
      this.refresh();
    } catch (err) {
      this.jobMessage.set(`Checkpointing failed: ${describeFailure(err)}`);
    } finally {
      this.checkpointing.set(false);
    }
  }

  /** Runs the server-side verification of the whole tenant now and shows its record. */
  protected async verifyNow(): Promise<void> {
    const tenantId = this.session.tenantId();
    if (!tenantId || this.verifying()) return;
    this.verifying.set(true);
    this.jobMessage.set(null);
    try {
      const report = await this.store.verifyNow(tenantId, this.session.claims().platformAdmin);
      this.jobMessage.set(describeIntegrityCheck(report));
      await this.loadRun(tenantId);
    } catch (err) {
      this.jobMessage.set(`Verification failed to run: ${describeFailure(err)}`);
    } finally {
      this.verifying.set(false);
    }
  }

  protected refresh(): void {
    const tenantId = this.session.tenantId();
    if (!tenantId) return;
    this.starts.set([null]);
    void this.reload(tenantId);
  }
}
