import { entryHash } from '../entry';
import { logIdFor } from '../ids';
import { isoMicrosToMillis } from './instant';
import { dayBounds } from './layout';
import { TimeRange, type ObservedArchive } from './manifest';
import { MerkleAccumulator } from './merkle';
import { rowToEntry, type ArchiveRow } from './row';

const MAX_SAMPLES = 5;

/**
 * Checks one row read back from an archive: it belongs to the tenant and day of its partition,
 * its id is the one its (tenant, source, event id) derive, and its content still hashes to its
 * `hash` (so a flipped byte anywhere in the row is caught, not only in the hash column).
 */
export function checkRow(row: ArchiveRow, tenantId: string, date: string): string | null {
  if (row.tenantId !== tenantId) return `tenantId is ${row.tenantId}, partition is ${tenantId}`;
  const { startMs, endMs } = dayBounds(date);
  let ms: number;
  try {
    ms = isoMicrosToMillis(row.occurredAt);
  } catch {
    return `occurredAt ${String(row.occurredAt)} is not an instant`;
  }
  if (ms < startMs || ms >= endMs) return `occurredAt ${row.occurredAt} is outside ${date}`;
  try {
    const entry = rowToEntry(row);
    if (logIdFor(entry.tenantId, entry.source, entry.eventId) !== row.logId) return 'logId does not match its event';
    if (entryHash(entry) !== row.hash) return 'content does not match its hash';
  } catch (err) {
    return `row cannot be read as an entry: ${err instanceof Error ? err.message : String(err)}`;
  }
  return null;
}

/**
 * Folds the rows of one archive read back into what {@link compareWithManifest} needs. Rows
 * arrive in batches from the reader; the accumulator holds 32 bytes per row, never the rows.
 */
export class ArchiveObserver {
  private readonly merkle = new MerkleAccumulator();
  private readonly range = new TimeRange();
  private readonly badRows: Array<{ logId: string; problem: string }> = [];
  private badRowCount = 0;
  private rows = 0;

  constructor(
    private readonly tenantId: string,
    private readonly date: string,
  ) {}

  add(row: ArchiveRow): void {
    this.rows++;
    this.range.add(row.occurredAt);
    let problem = checkRow(row, this.tenantId, this.date);
    try {
      this.merkle.add(row.hash);
    } catch {
      problem ??= 'hash is not a SHA-256 hex value';
    }
    if (problem) {
      this.badRowCount++;
      if (this.badRows.length < MAX_SAMPLES) this.badRows.push({ logId: String(row.logId), problem });
    }
  }

  finish(file: { bytes: number; sha256: string }): ObservedArchive {
    const { root, duplicates } = this.merkle.finish();
    return {
      ...file,
      rowCount: this.rows,
      merkleRoot: root,
      duplicates,
      minOccurredAt: this.range.min,
      maxOccurredAt: this.range.max,
      badRows: this.badRows,
      badRowCount: this.badRowCount,
    };
  }
}
