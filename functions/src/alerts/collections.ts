import type { Firestore } from 'firebase-admin/firestore';
import { COLLECTIONS } from '../store/collections';

/** Collections of alerts and review; firestore.rules keep every one of them server-written. */
export const ALERT_COLLECTIONS = {
  /** Trigger Email extension input: `{to, message: {subject, text, html}}`. */
  mail: 'mail',
  /** `tenants/{t}/webhook_deliveries/{id}`: one per (entry, rule), with its attempts. */
  webhookDeliveries: 'webhook_deliveries',
  /** `tenants/{t}/secrets/webhook`: the signing secret; never readable by any client. */
  secrets: 'secrets',
  /** `tenants/{t}/investigations/{logId}`: opened by "investigate" decisions. */
  investigations: 'investigations',
} as const;

export function notificationRef(db: Firestore, id: string) {
  return db.collection(COLLECTIONS.notifications).doc(id);
}

export function mailRef(db: Firestore, id: string) {
  return db.collection(ALERT_COLLECTIONS.mail).doc(id);
}

export function deliveryRef(db: Firestore, tenantId: string, id: string) {
  return db.collection(COLLECTIONS.tenants).doc(tenantId).collection(ALERT_COLLECTIONS.webhookDeliveries).doc(id);
}

export function webhookSecretRef(db: Firestore, tenantId: string) {
  return db.collection(COLLECTIONS.tenants).doc(tenantId).collection(ALERT_COLLECTIONS.secrets).doc('webhook');
}

export function investigationRef(db: Firestore, tenantId: string, logId: string) {
  return db.collection(COLLECTIONS.tenants).doc(tenantId).collection(ALERT_COLLECTIONS.investigations).doc(logId);
}
