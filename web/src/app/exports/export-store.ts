import { Injectable, inject } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import { collection, doc, limit, onSnapshot, orderBy, query, where } from 'firebase/firestore';
import { Commands } from '../commands/commands';
import { FUNCTIONS_BASE_URL } from './download';
import { toExportJob, type ExportFilterRequest, type ExportFormat, type ExportJobView } from './export-model';

export const EXPORT_LIST_LIMIT = 50;

/**
 * Export jobs: live views of `audit_exports` (always scoped by `tenantId`, which the rules
 * require) and the export callables. Files are fetched through single-use links, never from
 * Storage.
 */
@Injectable({ providedIn: 'root' })
export class ExportStore {
  private readonly db = inject(Firestore);
  private readonly commands = inject(Commands);
  private readonly base = inject(FUNCTIONS_BASE_URL);

  /** Streams the tenant's exports, newest first. */
  watchList(tenantId: string, onItems: (items: ExportJobView[]) => void, onError: (err: unknown) => void): () => void {
    const q = query(
      collection(this.db, 'audit_exports'),
      where('tenantId', '==', tenantId),
      orderBy('createdAt', 'desc'),
      limit(EXPORT_LIST_LIMIT),
    );
    return onSnapshot(q, (snap) => onItems(snap.docs.map((d) => toExportJob(d.id, d.data()))), onError);
  }

  /** Streams one job, so its progress bar moves as the worker reports. */
  watch(id: string, onItem: (item: ExportJobView | null) => void, onError: (err: unknown) => void): () => void {
    return onSnapshot(
      doc(this.db, 'audit_exports', id),
      (snap) => onItem(snap.exists() ? toExportJob(snap.id, snap.data()) : null),
      onError,
    );
  }

  start(format: ExportFormat, bom: boolean, filter: ExportFilterRequest): Promise<{ exportId: string }> {
    return this.commands.call('startExport', { format, bom: format === 'csv' && bom, filter });
  }

  /** Everything the log holds about one data subject, as JSON with a PDF summary (`gdpr_export`). */
  startSubjectAccess(subject: string, reason: string): Promise<{ exportId: string; logId: string }> {
    return this.commands.call('startSubjectAccessExport', { subject, reason });
  }

  cancel(id: string): Promise<{ state: 'canceled' }> {
    return this.commands.call('cancelExport', { id });
  }

  /** A single-use download URL (valid five minutes) for a finished export or report. */
  async downloadUrl(kind: 'export' | 'report', id: string): Promise<string> {
    const link = await this.commands.call('createDownloadLink', { kind, id });
    return `${this.base}/${link.path}`;
  }
}
