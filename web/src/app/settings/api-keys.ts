import { Injectable, inject } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import { collection, getDocs, limit, orderBy, query, where } from 'firebase/firestore';
import type { CallableOutput } from '@audit-log/model/callables';
import { Commands } from '../commands/commands';

export interface ApiKeyRow {
  keyId: string;
  name: string;
  displayPrefix: string;
  createdAt: Date | null;
  revoked: boolean;
}

/** A new key, with its plaintext shown once. */
export type CreatedKey = CallableOutput<'createApiKey'>;

/**
 * API keys of the tenant. Key records are server-only (hashes); the list is read from the audit
 * log itself, where every creation and revocation is recorded (`config.api_key.*`), so the
 * console needs no extra read path to secrets.
 */
@Injectable({ providedIn: 'root' })
export class ApiKeys {
  private readonly db = inject(Firestore);
  private readonly commands = inject(Commands);

  async list(tenantId: string): Promise<ApiKeyRow[]> {
    const snap = await getDocs(
      query(
        collection(this.db, 'audit_logs'),
        where('tenantId', '==', tenantId),
        where('eventType', 'in', ['config.api_key.created', 'config.api_key.revoked']),
        orderBy('occurredAt', 'desc'),
        limit(200),
      ),
    );
    const keys = new Map<string, ApiKeyRow>();
    // Oldest first, so a revocation lands on the key it revokes.
    for (const d of [...snap.docs].reverse()) {
      const data = d.data();
      const resource = data['resource'] as { id?: string; name?: string } | undefined;
      const after = (data['changes'] as { after?: { displayPrefix?: string } } | undefined)?.after;
      const keyId = resource?.id;
      if (!keyId) continue;
      if (data['eventType'] === 'config.api_key.created') {
        const at = data['occurredAt'] as { toDate?: () => Date } | undefined;
        keys.set(keyId, {
          keyId,
          name: resource.name ?? '',
          displayPrefix: after?.displayPrefix ?? '',
          createdAt: typeof at?.toDate === 'function' ? at.toDate() : null,
          revoked: false,
        });
      } else {
        const row = keys.get(keyId);
        if (row) row.revoked = true;
      }
    }
    return [...keys.values()].reverse();
  }

  create(name: string): Promise<CreatedKey> {
    return this.commands.call('createApiKey', { name });
  }

  revoke(keyId: string): Promise<CallableOutput<'revokeApiKey'>> {
    return this.commands.call('revokeApiKey', { keyId });
  }
}
