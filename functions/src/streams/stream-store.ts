import { FieldPath, Timestamp, type DocumentData, type Firestore } from 'firebase-admin/firestore';
import { sha256Hex } from '../domain';
import type { SequenceRange, StreamGap, StreamState } from '../domain/streams';
import { COLLECTIONS } from '../store/collections';

/**
 * Firestore side of the gap detector and the watermark endpoint. Every read goes through here
 * and is counted, so a run can report its own cost (documents read and written).
 *
 * - `audit_streams/{id}`: one document per `(tenantId, source)` (the detector's state).
 * - `audit_stream_cursors/{tenantId}`: how far the detector has read the tenant's entries.
 */
export const STREAM_COLLECTIONS = { streams: 'audit_streams', cursors: 'audit_stream_cursors' } as const;

/** Position in `(recordedAt, document id)` order of the last entry a run read. */
export interface ReadCursor {
  recordedAt: Timestamp;
  logId: string;
}

/** One page of entries in recording order: the sequence numbers of each source. */
export interface EntryPage {
  bySource: Map<string, number[]>;
  read: number;
  last: ReadCursor | null;
}

export function streamDocId(tenantId: string, source: string): string {
  return sha256Hex(`${tenantId}\n${source}`).slice(0, 32);
}

function toState(data: DocumentData): StreamState {
  return {
    tenantId: data.tenantId as string,
    source: data.source as string,
    contiguous: data.contiguous as number,
    received: (data.received as SequenceRange[] | undefined) ?? [],
    gaps: (data.gaps as StreamGap[] | undefined) ?? [],
  };
}

export class StreamStore {
  /** Documents read and written since this store was made (index entries of empty queries count 1). */
  reads = 0;
  writes = 0;

  constructor(readonly db: Firestore) {}

  private count(size: number): void {
    // Firestore bills a query that matches nothing as one read.
    this.reads += Math.max(1, size);
  }

  /** Tenant documents (the detector's settings live in them). */
  async tenants(ids?: readonly string[]): Promise<Array<{ id: string; data: DocumentData }>> {
    if (ids) {
      const snaps =
        ids.length > 0 ? await this.db.getAll(...ids.map((id) => this.db.collection(COLLECTIONS.tenants).doc(id))) : [];
      this.reads += snaps.length;
      return snaps.filter((s) => s.exists).map((s) => ({ id: s.id, data: s.data()! }));
    }
    const snap = await this.db.collection(COLLECTIONS.tenants).get();
    this.count(snap.size);
    return snap.docs.map((d) => ({ id: d.id, data: d.data() }));
  }

  async cursor(tenantId: string): Promise<ReadCursor | null> {
    const snap = await this.db.collection(STREAM_COLLECTIONS.cursors).doc(tenantId).get();
    this.reads += 1;
    if (!snap.exists) return null;
    return { recordedAt: snap.get('recordedAt') as Timestamp, logId: snap.get('logId') as string };
  }

  async saveCursor(tenantId: string, cursor: ReadCursor, ranAt: Date): Promise<void> {
    await this.db
      .collection(STREAM_COLLECTIONS.cursors)
      .doc(tenantId)
      .set({ tenantId, recordedAt: cursor.recordedAt, logId: cursor.logId, ranAt: Timestamp.fromDate(ranAt) });
    this.writes += 1;
  }

  /**
   * The next page of a tenant's entries recorded after `after` and before `until`, in recording
   * order, projected to `source` and `sequence` (index `tenantId` + `recordedAt`).
   */
  async entriesAfter(tenantId: string, after: ReadCursor | null, until: Date, limit: number): Promise<EntryPage> {
    let query = this.db
      .collection(COLLECTIONS.logs)
      .where('tenantId', '==', tenantId)
      .where('recordedAt', '<', Timestamp.fromDate(until))
      .orderBy('recordedAt')
      .orderBy(FieldPath.documentId());
    if (after) query = query.startAfter(after.recordedAt, after.logId);
    const snap = await query.select('source', 'sequence', 'recordedAt').limit(limit).get();
    this.count(snap.size);
    const bySource = new Map<string, number[]>();
    for (const doc of snap.docs) {
      const sequence = doc.get('sequence') as unknown;
      if (typeof sequence !== 'number') continue;
      const source = doc.get('source') as string;
      const list = bySource.get(source);
      if (list) list.push(sequence);
      else bySource.set(source, [sequence]);
    }
    const lastDoc = snap.docs[snap.docs.length - 1];
    const last = lastDoc ? { recordedAt: lastDoc.get('recordedAt') as Timestamp, logId: lastDoc.id } : null;
    return { bySource, read: snap.size, last };
  }

  /**
   * Stored sequence numbers of one stream in `[from, to]`, ascending, at most `limit` (index
   * `tenantId` + `source` + `sequence`): confirms a range is missing before it is reported, and
   * catches entries whose recording time fell behind the cursor.
   */
  async storedSequences(tenantId: string, source: string, range: SequenceRange, limit: number): Promise<number[]> {
    const snap = await this.db
      .collection(COLLECTIONS.logs)
      .where('tenantId', '==', tenantId)
      .where('source', '==', source)
      .where('sequence', '>=', range.from)
      .where('sequence', '<=', range.to)
      .orderBy('sequence')
      .select('sequence')
      .limit(limit)
      .get();
    this.count(snap.size);
    return snap.docs.map((d) => d.get('sequence') as number);
  }

  /** The states of the given sources (absent ones omitted). */
  async streams(tenantId: string, sources: readonly string[]): Promise<Map<string, StreamState>> {
    const out = new Map<string, StreamState>();
    if (sources.length === 0) return out;
    const refs = sources.map((s) => this.db.collection(STREAM_COLLECTIONS.streams).doc(streamDocId(tenantId, s)));
    const snaps = await this.db.getAll(...refs);
    this.reads += snaps.length;
    for (const snap of snaps) if (snap.exists) out.set(snap.get('source') as string, toState(snap.data()!));
    return out;
  }

  /** Streams of a tenant with a pending or open gap (they need a look even with nothing new). */
  async streamsNeedingAttention(tenantId: string): Promise<StreamState[]> {
    const snap = await this.db
      .collection(STREAM_COLLECTIONS.streams)
      .where('tenantId', '==', tenantId)
      .where('attention', '==', true)
      .get();
    this.count(snap.size);
    return snap.docs.map((d) => toState(d.data()));
  }

  /** Writes a stream's state: one document write per stream per run, whatever the event rate. */
  async saveStream(state: StreamState, attention: boolean, openCount: number, updatedAt: Date): Promise<void> {
    await this.db
      .collection(STREAM_COLLECTIONS.streams)
      .doc(streamDocId(state.tenantId, state.source))
      .set({
        tenantId: state.tenantId,
        source: state.source,
        contiguous: state.contiguous,
        received: state.received,
        gaps: state.gaps,
        attention,
        openGaps: openCount,
        updatedAt: Timestamp.fromDate(updatedAt),
      });
    this.writes += 1;
  }

  /** The detector's last known contiguous prefix of one stream; -1 when unknown. */
  async knownContiguous(tenantId: string, source: string): Promise<number> {
    const snap = await this.db.collection(STREAM_COLLECTIONS.streams).doc(streamDocId(tenantId, source)).get();
    this.reads += 1;
    return snap.exists ? (snap.get('contiguous') as number) : -1;
  }

  /** Stored sequence numbers of a stream above `after`, ascending, at most `limit`. */
  async sequencesAbove(tenantId: string, source: string, after: number, limit: number): Promise<number[]> {
    return this.storedSequences(tenantId, source, { from: after + 1, to: Number.MAX_SAFE_INTEGER }, limit);
  }
}
