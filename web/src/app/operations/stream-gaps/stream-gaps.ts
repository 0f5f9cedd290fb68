import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { Firestore } from '@angular/fire/firestore';
import { MatCardModule } from '@angular/material/card';
import { collection, onSnapshot, query, where } from 'firebase/firestore';
import { describeFirestoreError } from '../../core/firestore/firestore-errors';
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
  protected readonly rows = signal<GapRow[]>([]);
  protected readonly problem = signal<string | null>(null);

  constructor() {
    let stop: (() => void) | null = null;
    inject(DestroyRef).onDestroy(() => stop?.());
    effect(() => {
      const tenantId = this.tenantId();
      untracked(() => {
        stop?.();
        this.rows.set([]);
        stop = onSnapshot(
          query(collection(this.db, 'audit_streams'), where('tenantId', '==', tenantId)),
          (snap) => this.rows.set(gapRows(snap.docs.map((d) => d.data()))),
          (err) => this.problem.set(describeFirestoreError(err).message),
        );
      });
    });
  }
}
