import { Injectable, inject } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import type { DailyRollup } from '@audit-log/model/rollup';
import { collection, getDocs, orderBy, query, where } from 'firebase/firestore';

/** A rollup as the console reads it (the instant it was computed is not shown). */
export type RollupView = DailyRollup<unknown>;

/**
 * The tenant's daily rollups (`audit_rollups`, written by the rollup job and tiering): one query,
 * one document per day of the period whatever the volume, served by the `tenantId, date` index.
 */
@Injectable({ providedIn: 'root' })
export class RollupSource {
  private readonly db = inject(Firestore);

  async period(tenantId: string, from: string, to: string): Promise<RollupView[]> {
    const snap = await getDocs(
      query(
        collection(this.db, 'audit_rollups'),
        where('tenantId', '==', tenantId),
        where('date', '>=', from),
        where('date', '<=', to),
        orderBy('date'),
      ),
    );
    return snap.docs.map((d) => d.data() as RollupView);
  }
}
