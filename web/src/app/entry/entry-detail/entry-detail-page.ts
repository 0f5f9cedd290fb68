import { Clipboard } from '@angular/cdk/clipboard';
import { DatePipe, JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { RouterLink } from '@angular/router';
import { AccessRecorder, newQueryId, type ArchiveQuery } from '../../core/access/access-recorder';
import { humanize, type AuditLogEntry } from '../../core/audit-model';
import { Session } from '../../core/auth/session';
import { entryToJson } from '../../core/firestore/entry-converter';
import { describeFirestoreError, type ConsoleError } from '../../core/firestore/firestore-errors';
import { RevealingLogReader } from '../../core/privacy/revealing-reader';
import { ArchiveStore } from '../../archive/archive-store';
import { archivedEntry, dayBounds } from '../../logs/log-table/archive-reach';
import { emptyFilter } from '../../logs/filters/log-filter';
import { QueryPlanError, planLogQuery } from '../../logs/query/log-query';
import { VerifyPanel } from '../../integrity/verify-panel';
import { DiffView } from '../diff/diff-view';

const RELATED_LIMIT = 50;

/** One entry with every field, its diff and the entries sharing its correlation id. */
@Component({
  selector: 'app-entry-detail-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    JsonPipe,
    RouterLink,
    MatCardModule,
    MatButtonModule,
    MatIconModule,
    MatProgressBarModule,
    DiffView,
    VerifyPanel,
  ],
  templateUrl: './entry-detail-page.html',
  styleUrl: './entry-detail-page.scss',
})
export class EntryDetailPage {
  /** Route parameter (bound by the router). */
  readonly logId = input.required<string>();
  /** Query parameter: the UTC day of an entry listed from the archive, where it is read from. */
  readonly archivedDay = input<string | undefined>(undefined);

  // Sealed personal values are opened for the reader (or shown as erased / encrypted).
  private readonly repo = inject(RevealingLogReader);
  private readonly archive = inject(ArchiveStore);
  private readonly session = inject(Session);
  private readonly access = inject(AccessRecorder);
  private readonly clipboard = inject(Clipboard);
  private readonly snackBar = inject(MatSnackBar);

  protected readonly entry = signal<AuditLogEntry | null>(null);
  protected readonly loading = signal(true);
  protected readonly error = signal<ConsoleError | null>(null);
  protected readonly related = signal<AuditLogEntry[]>([]);
  protected readonly relatedProblem = signal<string | null>(null);
  protected readonly humanize = humanize;
  protected readonly actorRoles = computed(() => this.entry()?.actor.roles?.join(', ') ?? '');

  constructor() {
    effect(() => {
      const id = this.logId();
      const day = this.archivedDay();
      untracked(() => void this.load(id, day));
    });
  }

  private async load(id: string, archivedDay: string | undefined): Promise<void> {
    this.loading.set(true);
    this.error.set(null);
    this.entry.set(null);
    this.related.set([]);
    try {
      const { entry, archive } = await this.warmOrArchived(id, archivedDay);
      if (!entry) {
        this.error.set(describeFirestoreError({ code: 'not-found' }));
        return;
      }
      this.entry.set(entry);
      // Recorded once the entry is shown; its related entries are part of the same view.
      this.access.viewed('entry_detail', entry.tenantId, entry.logId, archive);
      await this.loadRelated(entry);
    } catch (err) {
      this.error.set(describeFirestoreError(err));
    } finally {
      this.loading.set(false);
    }
  }

  /**
   * The entry from Firestore; for a link from the archive, from its day's archive when it is not
   * warm (a restored day is warm again, so Firestore is asked first). The rules refuse a read of a
   * missing document rather than report it missing, so that refusal also falls through to the archive.
   */
  private async warmOrArchived(
    id: string,
    archivedDay: string | undefined,
  ): Promise<{ entry: AuditLogEntry | null; archive: ArchiveQuery | null }> {
    const validDay = archivedDay !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(archivedDay) ? archivedDay : null;
    try {
      const warm = await this.repo.entry(id);
      if (warm || validDay === null) return { entry: warm, archive: null };
    } catch (err) {
      if (validDay === null) throw err;
    }
    const claims = this.session.claims();
    // The archive read and the view's report share a query id: the view is recorded once.
    const request = {
      ...dayBounds(validDay),
      logId: id,
      pageSize: 1,
      queryId: newQueryId(),
      ...(claims.platformAdmin ? { tenantId: this.session.scope().tenantId } : {}),
    };
    const answer = await this.archive.search(request);
    return { entry: archivedEntry(answer.entries[0]), archive: { queryId: request.queryId, request } };
  }

  private async loadRelated(entry: AuditLogEntry): Promise<void> {
    const correlationId = entry.context?.correlationId;
    this.relatedProblem.set(null);
    if (!correlationId) return;
    try {
      const plan = planLogQuery(emptyFilter({ correlationId, range: { preset: 'all' } }), this.session.scope(), {
        now: new Date(),
        limit: RELATED_LIMIT,
      });
      const page = await this.repo.page(plan, null);
      this.related.set(page.entries.filter((e) => e.logId !== entry.logId));
    } catch (err) {
      this.relatedProblem.set(err instanceof QueryPlanError ? err.message : describeFirestoreError(err).message);
    }
  }

  protected copyJson(): void {
    const entry = this.entry();
    if (!entry) return;
    const ok = this.clipboard.copy(entryToJson(entry));
    this.snackBar.open(ok ? 'Entry copied as JSON' : 'Could not copy', undefined, { duration: 2000 });
  }
}
