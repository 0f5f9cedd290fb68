import { sha256Hex } from '../canonical';
import type { Category, Level } from '../catalog';
import type { ReviewStatus } from '../classify';
import type { Outcome } from '../envelope';

/**
 * Deterministic ids of everything an alert produces. Firestore triggers are delivered at least
 * once; because the id is fixed by (entry, rule, recipient), a redelivery addresses the same
 * document and `create()` refuses the duplicate.
 */
export function notificationId(logId: string, ruleKey: string, recipientUid: string): string {
  return sha256Hex(`notification\n${logId}\n${ruleKey}\n${recipientUid}`).slice(0, 40);
}

export function mailId(logId: string, ruleKey: string, email: string): string {
  return sha256Hex(`mail\n${logId}\n${ruleKey}\n${email.toLowerCase()}`).slice(0, 40);
}

export function deliveryId(logId: string, ruleId: string): string {
  return sha256Hex(`webhook\n${logId}\n${ruleId}`).slice(0, 40);
}

/** The fields of a stored entry that alerts show (no personal data beyond the actor's id). */
export interface AlertEntry {
  logId: string;
  tenantId: string;
  eventId: string;
  eventType: string;
  source: string;
  category: Category;
  level: Level;
  outcome: Outcome;
  /** ISO instant. */
  occurredAt: string;
  actor: { type: string; id?: string };
  resource?: { type: string; id: string; name?: string };
  requiresReview: boolean;
  reviewStatus: ReviewStatus;
  hash: string;
}

function what(entry: AlertEntry): string {
  const resource = entry.resource ? ` on ${entry.resource.type} ${entry.resource.name ?? entry.resource.id}` : '';
  const actor = entry.actor.id ? ` by ${entry.actor.type} ${entry.actor.id}` : ` by ${entry.actor.type}`;
  return `${entry.eventType}${resource}${actor}`;
}

/** Title and body of an in-app notification (the console's bell). */
export function alertNotificationText(entry: AlertEntry, ruleName: string): { title: string; body: string } {
  return {
    title: `${entry.level} ${entry.category.toLowerCase().replace(/_/g, ' ')}: ${entry.eventType}`,
    body: `${what(entry)} (${entry.outcome}) at ${entry.occurredAt}. Rule: ${ruleName}.`,
  };
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML: event data is producer input and must never become markup in a mail client. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** The `message` of a Trigger Email `mail` document. */
export function alertEmail(
  entry: AlertEntry,
  ruleName: string,
  consoleUrl: string,
): { subject: string; text: string; html: string } {
  const link = `${consoleUrl.replace(/\/$/, '')}/logs/${entry.logId}`;
  const rows: Array<[string, string]> = [
    ['Event', entry.eventType],
    ['Level', entry.level],
    ['Category', entry.category],
    ['Outcome', entry.outcome],
    ['Occurred', entry.occurredAt],
    ['Actor', entry.actor.id ? `${entry.actor.type} ${entry.actor.id}` : entry.actor.type],
    ['Resource', entry.resource ? `${entry.resource.type} ${entry.resource.name ?? entry.resource.id}` : '-'],
    ['Tenant', entry.tenantId],
    ['Log id', entry.logId],
    ['Alert rule', ruleName],
  ];
  const subject = `[audit] ${entry.level} ${entry.eventType} (${entry.tenantId})`;
  const text = [...rows.map(([k, v]) => `${k}: ${v}`), '', `Open in the console: ${link}`].join('\n');
  const html =
    `<p>An audit event matched the alert rule <strong>${escapeHtml(ruleName)}</strong>.</p>` +
    `<table>${rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>` +
    `<p><a href="${escapeHtml(link)}">Open in the console</a></p>`;
  return { subject, text, html };
}

/**
 * The webhook body, built once per delivery and stored with it, so every retry sends the very
 * same bytes (receivers deduplicate by `id`, the delivery id).
 */
export function webhookBody(input: {
  deliveryId: string;
  rule: { id: string; name: string };
  entry: AlertEntry;
}): string {
  const { entry } = input;
  return JSON.stringify({
    id: input.deliveryId,
    type: 'audit.alert',
    tenantId: entry.tenantId,
    rule: { id: input.rule.id, name: input.rule.name },
    entry: {
      logId: entry.logId,
      eventId: entry.eventId,
      eventType: entry.eventType,
      source: entry.source,
      category: entry.category,
      level: entry.level,
      outcome: entry.outcome,
      occurredAt: entry.occurredAt,
      actor: entry.actor,
      ...(entry.resource ? { resource: entry.resource } : {}),
      requiresReview: entry.requiresReview,
      reviewStatus: entry.reviewStatus,
      hash: entry.hash,
    },
  });
}

/** The email to admins when a review is escalated (by a reviewer, or by the deadline). */
export function reviewEscalationEmail(
  input: { logId: string; tenantId: string; eventType: string; level: Level; escalatedBy: string; note: string },
  consoleUrl: string,
): { subject: string; text: string; html: string } {
  const link = `${consoleUrl.replace(/\/$/, '')}/logs/${input.logId}`;
  const subject = `[audit] Review escalated: ${input.level} ${input.eventType} (${input.tenantId})`;
  const text = [
    `The review of a ${input.level} ${input.eventType} entry was escalated by ${input.escalatedBy}.`,
    `Note: ${input.note}`,
    '',
    `Open in the console: ${link}`,
  ].join('\n');
  const html =
    `<p>The review of a <strong>${escapeHtml(input.level)} ${escapeHtml(input.eventType)}</strong> entry was ` +
    `escalated by ${escapeHtml(input.escalatedBy)}.</p><p>Note: ${escapeHtml(input.note)}</p>` +
    `<p><a href="${escapeHtml(link)}">Open in the console</a></p>`;
  return { subject, text, html };
}
