import { Injectable, inject } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import type { CheckpointKey } from '@audit-log/model/integrity';
import { doc, getDoc } from 'firebase/firestore';
import { Commands } from '../commands/commands';
import { verifyEntry, type EntryVerification } from './entry-verification';

/** What a Timestamp offers; keeps the SDK's class out of the checks. */
interface TimestampLike {
  toMillis(): number;
}

/** The published key, or null when there is none (or the document is not a key). */
function keyOf(data: Record<string, unknown> | undefined): CheckpointKey | null {
  if (!data || typeof data['publicKey'] !== 'string' || typeof data['keyId'] !== 'string') return null;
  return { keyId: data['keyId'], algorithm: 'Ed25519', publicKey: data['publicKey'] };
}

/**
 * Verifies one entry in the browser: reads the entry as stored (not the console's lenient view of
 * it, which fills in defaults the hash never covered), asks the `entryProof` callable where it was
 * signed, reads the signing key from `audit_checkpoint_keys`, and checks all of it with Web Crypto.
 */
@Injectable({ providedIn: 'root' })
export class EntryVerifier {
  private readonly db = inject(Firestore);
  private readonly commands = inject(Commands);

  async verify(logId: string): Promise<EntryVerification> {
    const [snap, answer] = await Promise.all([
      getDoc(doc(this.db, 'audit_logs', logId)),
      this.commands.call('entryProof', { logId }),
    ]);
    const entry = snap.data();
    if (!entry) throw new Error(`entry ${logId} is not readable`);
    const recordedAt = entry['recordedAt'] as TimestampLike | undefined;
    const recordedAtMs = typeof recordedAt?.toMillis === 'function' ? recordedAt.toMillis() : null;
    const keyId = answer.status === 'pending' ? null : answer.checkpoint.keyId;
    const key =
      typeof keyId === 'string' && keyId !== ''
        ? keyOf((await getDoc(doc(this.db, 'audit_checkpoint_keys', keyId))).data())
        : null;
    return verifyEntry({ logId, entry, recordedAtMs, answer, key });
  }
}
