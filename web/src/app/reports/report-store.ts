import type { Operation } from '../core/audit-model';
import { Injectable, inject } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import { collection, limit, onSnapshot, orderBy, query, where } from 'firebase/firestore';
import { Commands } from '../commands/commands';
import { ExportStore } from '../exports/export-store';
import { toReport, type ReportKind, type ReportView } from './report-model';

/** Compliance reports: a live list of `audit_reports` of the tenant and the report callables. */
@Injectable({ providedIn: 'root' })
export class ReportStore {
  private readonly db = inject(Firestore);
  private readonly commands = inject(Commands);
  private readonly exports = inject(ExportStore);

  watchList(tenantId: string, onItems: (items: ReportView[]) => void, onError: (err: unknown) => void): () => void {
    const q = query(
      collection(this.db, 'audit_reports'),
      where('tenantId', '==', tenantId),
      orderBy('createdAt', 'desc'),
      limit(50),
    );
    return onSnapshot(q, (snap) => onItems(snap.docs.map((d) => toReport(d.id, d.data()))), onError);
  }

  /** Queues a report; `operations` limits it to entries with those operations (none: every one). */
  generate(
    kind: ReportKind,
    period: { from: string; to: string },
    operations: readonly Operation[] = [],
  ): Promise<{ reportId: string }> {
    return this.commands.call('generateReport', {
      kind,
      ...period,
      ...(operations.length > 0 ? { operations: [...operations] } : {}),
    });
  }

  downloadUrl(id: string): Promise<string> {
    return this.exports.downloadUrl('report', id);
  }
}
