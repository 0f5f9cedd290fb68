import type { DocumentData, Firestore } from 'firebase-admin/firestore';
import { alertDispatched } from '../commands/logs';
import { fromFirestore } from '../commands/instants';
import { CATEGORIES, LEVELS, OUTCOMES } from '../domain';
import {
  alertEmail,
  alertNotificationText,
  deliveryId,
  mailId,
  matchingRules,
  notificationId,
  webhookBody,
  type AlertEntry,
  type AlertRule,
} from '../domain/alerts';
import { tenantSettingsReader } from '../tenants/tenant-settings';
import { deliveryRef, mailRef, notificationRef } from './collections';
import { consoleUrl } from './config';
import { createOnce, mailDoc, notificationDoc } from './notify';
import { tenantRecipients } from './recipients';
import { SYSTEM_CLOCK, ensureDelivery, runDelivery, type DeliveryClock } from './webhook-delivery';
import { defaultDeliveryNetwork, type DeliveryNetwork } from './webhook-transport';

/** The alert view of stored entry data, or null for data that is not an audit entry. */
export function alertEntryOf(logId: string, data: DocumentData): AlertEntry | null {
  const json = fromFirestore(data) as Record<string, unknown>;
  const { tenantId, eventId, eventType, source, category, level, outcome, occurredAt, actor, resource } = json;
  if (
    typeof tenantId !== 'string' ||
    typeof eventType !== 'string' ||
    typeof occurredAt !== 'string' ||
    !(CATEGORIES as readonly unknown[]).includes(category) ||
    !(LEVELS as readonly unknown[]).includes(level) ||
    !(OUTCOMES as readonly unknown[]).includes(outcome) ||
    actor === null ||
    typeof actor !== 'object'
  ) {
    return null;
  }
  const a = actor as { type?: unknown; id?: unknown };
  const r = resource as { type?: unknown; id?: unknown; name?: unknown } | undefined;
  return {
    logId,
    tenantId,
    eventId: String(eventId),
    eventType,
    source: String(source),
    category: category as AlertEntry['category'],
    level: level as AlertEntry['level'],
    outcome: outcome as AlertEntry['outcome'],
    occurredAt,
    actor: { type: String(a.type), ...(typeof a.id === 'string' ? { id: a.id } : {}) },
    ...(r && typeof r.type === 'string' && typeof r.id === 'string'
      ? { resource: { type: r.type, id: r.id, ...(typeof r.name === 'string' ? { name: r.name } : {}) } }
      : {}),
    requiresReview: json.requiresReview === true,
    // Alerts react to a new entry, whose review (in audit_reviews, never on the entry) has not
    // started yet: a flagged entry is pending, any other has none.
    reviewStatus: json.requiresReview === true ? 'pending' : 'none',
    hash: String(json.hash),
  };
}

export interface DispatchReport {
  rules: string[];
  notifications: number;
  mails: number;
  webhooks: Record<string, string>;
}

async function dispatchRule(
  db: Firestore,
  entry: AlertEntry,
  rule: AlertRule,
  webhookUrl: string | undefined,
  clock: DeliveryClock,
  network: DeliveryNetwork,
  report: DispatchReport,
): Promise<void> {
  const now = clock.now();
  const created = { notifications: 0, mails: 0 };
  const wantsPeople = rule.channels.includes('in_app') || rule.channels.includes('email');
  const recipients = wantsPeople ? await tenantRecipients(db, entry.tenantId, rule.recipientRoles) : [];

  const writes: Array<Promise<void>> = [];
  if (rule.channels.includes('in_app')) {
    const text = alertNotificationText(entry, rule.name);
    for (const recipient of recipients) {
      const doc = notificationDoc({
        tenantId: entry.tenantId,
        recipient,
        kind: 'alert',
        ...text,
        logId: entry.logId,
        eventType: entry.eventType,
        level: entry.level,
        category: entry.category,
        ruleId: rule.id,
        createdAt: now,
      });
      writes.push(
        createOnce(notificationRef(db, notificationId(entry.logId, rule.id, recipient.uid)), doc).then((made) => {
          if (made) created.notifications++;
        }),
      );
    }
  }
  if (rule.channels.includes('email')) {
    const message = alertEmail(entry, rule.name, consoleUrl());
    for (const recipient of recipients) {
      if (!recipient.email) continue;
      const doc = mailDoc({
        to: recipient.email,
        message,
        tenantId: entry.tenantId,
        logId: entry.logId,
        kind: 'alert',
        ruleId: rule.id,
        createdAt: now,
      });
      writes.push(
        createOnce(mailRef(db, mailId(entry.logId, rule.id, recipient.email)), doc).then((made) => {
          if (made) created.mails++;
        }),
      );
    }
  }
  await Promise.all(writes);
  report.notifications += created.notifications;
  report.mails += created.mails;

  if (rule.channels.includes('webhook') && webhookUrl !== undefined) {
    const id = deliveryId(entry.logId, rule.id);
    const ref = deliveryRef(db, entry.tenantId, id);
    const body = webhookBody({ deliveryId: id, rule, entry });
    await ensureDelivery(ref, { tenantId: entry.tenantId, logId: entry.logId, ruleId: rule.id, body, now });
    report.webhooks[id] = await runDelivery(db, ref, clock, undefined, network);
  }
  alertDispatched(entry.tenantId, entry.logId, rule.id, {
    ...created,
    webhook: rule.channels.includes('webhook') ? 1 : 0,
  });
}

/**
 * Matches a newly stored entry against its tenant's alert rules and produces, per matching rule,
 * one in-app notification and one email document per recipient and one webhook delivery. All
 * ids are deterministic and written with `create()`, so a redelivered trigger adds nothing.
 * Restored or backfilled entries (recorded long ago) never get here: the trigger `reactToEntry`
 * lets only new activity through (`isNewActivity`).
 * Throws on transient failures (the trigger is retried; what was done already stays done once).
 */
export async function dispatchAlerts(
  db: Firestore,
  logId: string,
  data: DocumentData,
  clock: DeliveryClock = SYSTEM_CLOCK,
  network: DeliveryNetwork = defaultDeliveryNetwork(),
): Promise<DispatchReport> {
  const report: DispatchReport = { rules: [], notifications: 0, mails: 0, webhooks: {} };
  const entry = alertEntryOf(logId, data);
  if (!entry) return report;
  const settings = await tenantSettingsReader(db).settings(entry.tenantId);
  if (!settings) return report;
  const rules = matchingRules(settings.alerts.rules, entry);
  if (rules.length === 0) return report;
  const webhookUrl = settings.webhook.enabled ? settings.webhook.url : undefined;
  report.rules = rules.map((r) => r.id);
  await Promise.all(rules.map((rule) => dispatchRule(db, entry, rule, webhookUrl, clock, network, report)));
  return report;
}
