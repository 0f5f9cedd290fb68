import { Injectable, inject } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import type { CheckpointKey, SignedCheckpoint } from '@audit-log/model/integrity';
import {
  collection,
  doc,
  getDoc,
  getDocs,
  limit,
  orderBy,
  query,
  startAfter,
  where,
  type DocumentSnapshot,
} from 'firebase/firestore';
import type { CheckpointRunReport, IntegrityCheckReport } from '@audit-log/model/callables';
import { Commands } from '../commands/commands';
import { CHECKPOINT_PAGE_SIZE, toRunView, type RunView } from './integrity-model';

/** One page of checkpoints, newest first, with the row before the oldest one when there is one. */
export interface CheckpointPage {
  /** Up to one row more than {@link CHECKPOINT_PAGE_SIZE}: the predecessor of the last row shown. */
  readonly checkpoints: readonly SignedCheckpoint[];
  /** The chain has nothing older than this page. */
  readonly complete: boolean;
  /** Where the next (older) page starts; null on the last page. */
  readonly next: DocumentSnapshot | null;
}

/**
 * The Integrity page's reads: the tenant's checkpoints (`tenantId, seq desc`), the published keys
 * and the last verification run. Everything read here is checked in the browser before it is shown
 * as valid.
 */
@Injectable({ providedIn: 'root' })
export class IntegrityStore {
  private readonly db = inject(Firestore);
  private readonly commands = inject(Commands);
  private readonly keys = new Map<string, Promise<CheckpointKey | null>>();

  async page(tenantId: string, after: DocumentSnapshot | null): Promise<CheckpointPage> {
    const constraints = [where('tenantId', '==', tenantId), orderBy('seq', 'desc')];
    const q = after
      ? query(
          collection(this.db, 'audit_checkpoints'),
          ...constraints,
          startAfter(after),
          limit(CHECKPOINT_PAGE_SIZE + 1),
        )
      : query(collection(this.db, 'audit_checkpoints'), ...constraints, limit(CHECKPOINT_PAGE_SIZE + 1));
    const snap = await getDocs(q);
    const more = snap.docs.length > CHECKPOINT_PAGE_SIZE;
    return {
      checkpoints: snap.docs.map((d) => d.data() as SignedCheckpoint),
      complete: !more,
      next: more ? (snap.docs[CHECKPOINT_PAGE_SIZE - 1] ?? null) : null,
    };
  }

  /** The published keys of these checkpoints, each read once per session. */
  async keysFor(checkpoints: readonly SignedCheckpoint[]): Promise<Map<string, CheckpointKey | null>> {
    const ids = [...new Set(checkpoints.map((c) => c.keyId).filter((id) => typeof id === 'string' && id !== ''))];
    const found = await Promise.all(ids.map(async (id) => [id, await this.key(id)] as const));
    return new Map(found);
  }

  private key(keyId: string): Promise<CheckpointKey | null> {
    let pending = this.keys.get(keyId);
    if (!pending) {
      pending = getDoc(doc(this.db, 'audit_checkpoint_keys', keyId)).then((snap) => {
        const data = snap.data();
        return data && typeof data['publicKey'] === 'string'
          ? { keyId, algorithm: 'Ed25519' as const, publicKey: data['publicKey'] }
          : null;
      });
      // A failed read is not remembered: the next page asks again.
      pending.catch(() => this.keys.delete(keyId));
      this.keys.set(keyId, pending);
    }
    return pending;
  }

  /**
   * Runs the checkpoint job now for one tenant (`runCheckpoints`): a platform admin names the
   * tenant being viewed, a tenant admin's own tenant is implied.
   */
  checkpointNow(tenantId: string, platformAdmin: boolean): Promise<CheckpointRunReport> {
    return this.commands.call('runCheckpoints', platformAdmin ? { tenantId } : {});
  }

  /**
   * Runs the verification now (`runIntegrityCheck`, yesterday and today so far), scoped like
   * {@link checkpointNow}; the run is recorded in `audit_integrity_runs`.
   */
  verifyNow(tenantId: string, platformAdmin: boolean): Promise<IntegrityCheckReport> {
    return this.commands.call('runIntegrityCheck', platformAdmin ? { tenantId } : {});
  }

  /** The newest verification run of the tenant, or null when there has been none. */
  async lastRun(tenantId: string): Promise<RunView | null> {
    const snap = await getDocs(
      query(
        collection(this.db, 'audit_integrity_runs'),
        where('tenantId', '==', tenantId),
        orderBy('startedAt', 'desc'),
        limit(1),
      ),
    );
    const d = snap.docs[0];
    return d ? toRunView(d.id, d.data()) : null;
  }
}
