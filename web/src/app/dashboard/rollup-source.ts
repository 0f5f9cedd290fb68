import { Injectable, inject } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import type { DailyRollup } from '@audit-log/model/rollup';
import { readStoredDocument } from '@audit-log/model/stored-document';
import { dailyRollupSchema } from '@audit-log/model/stored-rollup';
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

  /**
   * The period's rollups, each read through the schema the functions write it with. A malformed
   * day is left out, so the dashboard counts it among the days without a rollup (the rollup job
   * computes such a day afresh on its next run), and the reason is logged with its fields.
   */
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
    const days: RollupView[] = [];
    for (const d of snap.docs) {
      const read = readStoredDocument(dailyRollupSchema, d.ref.path, d.data());
      if (read.ok) days.push(read.value);
      else console.warn(`${read.error.message}; the day counts as without a rollup until it is computed again`);
    }
    return days;
  }
}
