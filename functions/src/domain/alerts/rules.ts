import { z } from 'zod';
import { CATEGORIES, LEVELS, type Category, type Level } from '../catalog';
import { OUTCOMES, type Outcome } from '../envelope';

/** Where an alert goes: the console's bell, an email (Trigger Email `mail` document), a webhook. */
export const ALERT_CHANNELS = ['in_app', 'email', 'webhook'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

/** Roles whose members of the tenant receive a rule's in-app and email alerts. */
export const ALERT_RECIPIENT_ROLES = ['admin', 'reviewer', 'auditor', 'compliance'] as const;

const EVENT_TYPE_PATTERN = /^[a-z0-9_.]+\*?$/;

/**
 * One alert rule. Conditions combine with AND; each list matches any of its values; an empty
 * list places no condition. At least one of categories, levels or event types must be set, so a
 * rule can never alert on every entry by accident.
 */
export const alertRuleSchema = z
  .strictObject({
    id: z
      .string('must be a string')
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,63}$/,
        'must be 1-64 characters of a-z, 0-9, _ or -, starting with a letter or digit',
      ),
    name: z.string('must be a string').trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    enabled: z.boolean('must be true or false').default(true),
    categories: z
      .array(z.enum(CATEGORIES, `must be one of ${CATEGORIES.join(', ')}`))
      .max(CATEGORIES.length)
      .default([]),
    levels: z
      .array(z.enum(LEVELS, `must be one of ${LEVELS.join(', ')}`))
      .max(LEVELS.length)
      .default([]),
    eventTypes: z
      .array(
        z.string().max(128).regex(EVENT_TYPE_PATTERN, 'must be an event type or a prefix ending in *, e.g. repo.*'),
      )
      .max(50, 'must list at most 50 patterns')
      .default([]),
    outcomes: z
      .array(z.enum(OUTCOMES, `must be one of ${OUTCOMES.join(', ')}`))
      .max(OUTCOMES.length)
      .default([]),
    channels: z
      .array(z.enum(ALERT_CHANNELS, `must be one of ${ALERT_CHANNELS.join(', ')}`))
      .min(1, 'must name at least one channel')
      .max(ALERT_CHANNELS.length)
      .default(['in_app']),
    recipientRoles: z
      .array(z.enum(ALERT_RECIPIENT_ROLES, `must be one of ${ALERT_RECIPIENT_ROLES.join(', ')}`))
      .min(1, 'must name at least one role')
      .max(ALERT_RECIPIENT_ROLES.length)
      .default(['admin']),
  })
  .refine((rule) => rule.categories.length + rule.levels.length + rule.eventTypes.length > 0, {
    message: 'must set at least one of categories, levels or eventTypes',
    path: ['levels'],
  });
export type AlertRule = z.infer<typeof alertRuleSchema>;

/** Built in, so CRITICAL events reach a tenant's admins before anyone configured anything. */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [
  {
    id: 'critical',
    name: 'Critical events',
    enabled: true,
    categories: [],
    levels: ['CRITICAL'],
    eventTypes: [],
    outcomes: [],
    channels: ['in_app', 'email'],
    recipientRoles: ['admin'],
  },
];

/** Per-tenant setting `tenants/{tenantId}.alerts`. An explicit empty list turns alerts off. */
export const alertSettingsSchema = z.strictObject({
  rules: z
    .array(alertRuleSchema)
    .max(50, 'must list at most 50 rules')
    .superRefine((rules, ctx) => {
      const seen = new Set<string>();
      rules.forEach((rule, i) => {
        if (seen.has(rule.id))
          ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicates rule id "${rule.id}"` });
        seen.add(rule.id);
      });
    })
    .default(() => DEFAULT_ALERT_RULES.map((r) => ({ ...r }))),
});
export type AlertSettings = z.infer<typeof alertSettingsSchema>;

/** What a rule looks at in an entry. */
export interface AlertCandidate {
  eventType: string;
  category: Category;
  level: Level;
  outcome: Outcome;
}

/** Whether an event type matches a pattern: exact, or a prefix ending in `*`. */
export function eventTypeMatches(pattern: string, eventType: string): boolean {
  return pattern.endsWith('*') ? eventType.startsWith(pattern.slice(0, -1)) : eventType === pattern;
}

/** Whether one rule matches an entry. */
export function ruleMatches(rule: AlertRule, entry: AlertCandidate): boolean {
  if (!rule.enabled) return false;
  if (rule.categories.length > 0 && !rule.categories.includes(entry.category)) return false;
  if (rule.levels.length > 0 && !rule.levels.includes(entry.level)) return false;
  if (rule.outcomes.length > 0 && !rule.outcomes.includes(entry.outcome)) return false;
  if (rule.eventTypes.length > 0 && !rule.eventTypes.some((p) => eventTypeMatches(p, entry.eventType))) return false;
  return true;
}

/** The enabled rules that match an entry, in configuration order. */
export function matchingRules(rules: readonly AlertRule[], entry: AlertCandidate): AlertRule[] {
  return rules.filter((rule) => ruleMatches(rule, entry));
}
