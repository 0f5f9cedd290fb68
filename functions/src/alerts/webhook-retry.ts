import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { ALERT_COLLECTIONS } from './collections';
import { SYSTEM_CLOCK, runDelivery, type DeliveryClock } from './webhook-delivery';
import { defaultDeliveryNetwork, type DeliveryNetwork } from './webhook-transport';

export interface RetryOptions {
  clock?: DeliveryClock;
  /** Only this tenant's deliveries; all tenants when absent. */
  tenantId?: string;
  /** Deliveries per run. */
  limit?: number;
  /** Which destinations are allowed; default: loopback only on the emulators. */
  network?: DeliveryNetwork;
}

export interface RetryReport {
  attempted: number;
  statuses: Record<string, number>;
}

/**
 * The retry sweep: every delivery whose next attempt is due (`pending` or `retrying` with
 * `nextAttemptAt` passed), and every `delivering` one whose lease ran out (its worker died),
 * gets its next attempt. The claim inside `runDelivery` makes concurrent sweeps harmless.
 */
export async function retryDueWebhookDeliveries(db: Firestore, options: RetryOptions = {}): Promise<RetryReport> {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const limit = options.limit ?? 50;
  const network = options.network ?? defaultDeliveryNetwork();
  const now = Timestamp.fromDate(clock.now());
  const base = options.tenantId
    ? db.collection('tenants').doc(options.tenantId).collection(ALERT_COLLECTIONS.webhookDeliveries)
    : db.collectionGroup(ALERT_COLLECTIONS.webhookDeliveries);
  const [due, stale] = await Promise.all([
    base.where('status', 'in', ['pending', 'retrying']).where('nextAttemptAt', '<=', now).limit(limit).get(),
    base.where('status', '==', 'delivering').where('leaseUntil', '<=', now).limit(limit).get(),
  ]);
  const refs = [...due.docs, ...stale.docs].map((d) => d.ref).slice(0, limit);
  const report: RetryReport = { attempted: refs.length, statuses: {} };
  // A few at a time: one slow endpoint must not hold up the others, nor may a sweep open hundreds of sockets.
  for (let i = 0; i < refs.length; i += 5) {
    const statuses = await Promise.all(
      refs.slice(i, i + 5).map((ref) => runDelivery(db, ref, clock, undefined, network)),
    );
    for (const s of statuses) report.statuses[s] = (report.statuses[s] ?? 0) + 1;
  }
  return report;
}
