import { Injectable, inject } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import { collection, onSnapshot, query, where } from 'firebase/firestore';
import type { StopListening } from '../core/live-query';
import { streamRows, type StreamRow } from './streams-model';

/** The tenant's streams, live from `audit_sinks` (the rules let the tenant's admins read them). */
@Injectable({ providedIn: 'root' })
export class StreamSource {
  private readonly db = inject(Firestore);

  /** Listens to the tenant's streams; each change reports every row again. */
  watch(tenantId: string, next: (rows: StreamRow[]) => void, fail: (err: unknown) => void): StopListening {
    return onSnapshot(
      query(collection(this.db, 'audit_sinks'), where('tenantId', '==', tenantId)),
      (snap) => next(streamRows(snap.docs.map((d) => ({ id: d.id, data: d.data() })))),
      fail,
    );
  }
}
