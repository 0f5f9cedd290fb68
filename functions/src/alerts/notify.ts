import { Timestamp, type DocumentReference } from 'firebase-admin/firestore';
import { isAlreadyExists } from '../store/write-errors';
import type { Recipient } from './recipients';

/**
 * Creates a document unless it exists. With a deterministic id this is what makes a redelivered
 * trigger harmless, and unlike `set()` it never resets what happened since (a notification the
 * recipient already read stays read). Returns whether this call created it.
 */
export async function createOnce(ref: DocumentReference, data: Record<string, unknown>): Promise<boolean> {
  try {
    await ref.create(data);
    return true;
  } catch (err) {
    if (isAlreadyExists(err)) return false;
    throw err;
  }
}

export type NotificationKind = 'alert' | 'review_escalated';

export interface NotificationInput {
  tenantId: string;
  recipient: Recipient;
  kind: NotificationKind;
  title: string;
  body: string;
  logId: string;
  eventType: string;
  level: string;
  category: string;
  ruleId?: string;
  createdAt: Date;
}

/**
 * A `notifications/{id}` document. `tenantId` and `recipientUid` are what the rules check;
 * `read` is always present so "unread" is an equality query.
 */
export function notificationDoc(n: NotificationInput): Record<string, unknown> {
  return {
    tenantId: n.tenantId,
    recipientUid: n.recipient.uid,
    kind: n.kind,
    title: n.title.slice(0, 300),
    body: n.body.slice(0, 2000),
    logId: n.logId,
    link: `/logs/${n.logId}`,
    eventType: n.eventType,
    level: n.level,
    category: n.category,
    ...(n.ruleId !== undefined ? { ruleId: n.ruleId } : {}),
    read: false,
    createdAt: Timestamp.fromDate(n.createdAt),
  };
}

/** A `mail/{id}` document in the Trigger Email extension's format, plus where it came from. */
export function mailDoc(input: {
  to: string;
  message: { subject: string; text: string; html: string };
  tenantId: string;
  logId: string;
  kind: NotificationKind;
  ruleId?: string;
  createdAt: Date;
}): Record<string, unknown> {
  return {
    to: input.to,
    message: input.message,
    tenantId: input.tenantId,
    logId: input.logId,
    kind: input.kind,
    ...(input.ruleId !== undefined ? { ruleId: input.ruleId } : {}),
    createdAt: Timestamp.fromDate(input.createdAt),
  };
}
