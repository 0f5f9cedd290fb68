import type { DocumentData } from 'firebase-admin/firestore';
import type { ArchiveRecord } from '../domain/archive';
import { docToRecord } from '../tiering/archive-store';

export {
  ArchiveObserver,
  compareWithManifest,
  isoMicrosToMillis,
  rowToEntry,
  type ArchiveRow,
} from '../domain/archive';

/** An `audit_archives` document as a record, or null when it is not one (reported as unreadable elsewhere). */
export function docToRecordSafe(doc: DocumentData): ArchiveRecord | null {
  try {
    return docToRecord(doc);
  } catch {
    return null;
  }
}
