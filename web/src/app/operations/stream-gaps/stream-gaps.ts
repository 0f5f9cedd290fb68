import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import { MatCardModule } from '@angular/material/card';
import { collection, onSnapshot, query, where } from 'firebase/firestore';
import { firestoreErrorMessage } from '../../core/firestore/firestore-errors';
import { liveQuery } from '../../core/live-query';
import { gapRows, type GapRow } from './stream-gaps-model';

/**
 * Sequence gaps of the tenant's producer streams, live from the detector's state documents
 * (`audit_streams`, readable by the tenant's admins): what is missing, since when, whether it
 * was reported (`audit.ingest.gap_detected`) and whether it filled later.
 */
@Component({
  selector: 'app-stream-gaps',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, MatCardModule],
  templateUrl: './stream-gaps.html',
  styleUrl: '../operations-page.scss',
})
export class StreamGaps {
  private readonly db = inject(Firestore);
  readonly tenantId = input.required<string>();
  private readonly gaps = liveQuery<string, GapRow[]>({
    params: () => this.tenantId(),
    watch: (tenantId, next, fail) =>
      onSnapshot(
        query(collection(this.db, 'audit_streams'), where('tenantId', '==', tenantId)),
        (snap) => next(gapRows(snap.docs.map((d) => d.data()))),
        fail,
      ),
    initial: [],
  });
  protected readonly rows = this.gaps.value;
  protected readonly problem = computed(() => firestoreErrorMessage(this.gaps.error()));
}
