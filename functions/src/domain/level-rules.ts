import {
  tableLevel,
  type ClassificationRules,
  type LevelCondition,
  type SituationRule,
} from '@audit-log/model/classification';
import { maxLevel, type Category, type Level } from './catalog';
import type { Operation, Outcome } from './envelope';

/** What the level rules look at in an event, beyond its category and catalog level. */
export interface LevelInput {
  eventType: string;
  outcome: Outcome;
  operation?: Operation | undefined;
  resourceType?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** Dotted paths of the fields the event changed (`functions/src/domain/diff.ts`). */
  changedFields?: readonly string[] | undefined;
}

/** `match` is an exact event type or a prefix ending in `*`, as in the tenant's overrides. */
export function matchesEventType(eventType: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? eventType.startsWith(p.slice(0, -1)) : eventType === p));
}

function inSituation(input: LevelInput, rule: SituationRule): boolean {
  if (input.metadata?.[rule.metadataFlag] === true) return true;
  if (matchesEventType(input.eventType, rule.eventTypes)) return true;
  return input.outcome !== 'success' && rule.outcomes.includes(input.outcome);
}

/** Whether a changed path names one of the fields, at any depth and in any letter case. */
function touchesField(paths: readonly string[] | undefined, fields: readonly string[]): boolean {
  if (!paths || paths.length === 0 || fields.length === 0) return false;
  const wanted = new Set(fields.map((f) => f.toLowerCase()));
  return paths.some((path) => path.split('.').some((segment) => wanted.has(segment.toLowerCase())));
}

const HIGH_RISK_WORDS = new Set(['high', 'critical']);
const LOW_RISK_WORDS = new Set(['low', 'medium']);

/** The risk an event states, or undefined when it states none the rules understand. */
export function statedRisk(input: LevelInput, rules: ClassificationRules): 'low' | 'high' | undefined {
  const value = input.metadata?.[rules.risk.metadataField];
  if (typeof value === 'number' && Number.isFinite(value)) return value >= rules.risk.highThreshold ? 'high' : 'low';
  if (typeof value !== 'string') return undefined;
  const word = value.toLowerCase();
  if (HIGH_RISK_WORDS.has(word)) return 'high';
  if (LOW_RISK_WORDS.has(word)) return 'low';
  return undefined;
}

/**
 * The situations of the level table an event is in, for its category. Outcome situations
 * (`failure`, `denied`) come from the envelope; the others from the tenant's rules. A SECURITY
 * event that states no risk takes it from its catalog level: CRITICAL types are high risk.
 */
export function conditionsOf(
  category: Category,
  catalogLevel: Level,
  input: LevelInput,
  rules: ClassificationRules,
): LevelCondition[] {
  const failed = input.outcome !== 'success';
  switch (category) {
    case 'AUTHENTICATION':
      return [
        ...(failed ? (['failure'] as const) : []),
        ...(inSituation(input, rules.anomaly) ? (['anomaly'] as const) : []),
      ];
    case 'AUTHORIZATION':
      return [failed ? 'denied' : 'granted', ...(inSituation(input, rules.anomaly) ? (['anomaly'] as const) : [])];
    case 'DATA_ACCESS':
      return [inSituation(input, rules.abnormalAccess) ? 'abnormal_access' : 'normal'];
    case 'DATA_MODIFICATION':
      return [
        ...(failed ? (['failure'] as const) : []),
        ...(sensitiveData(input, rules) ? (['sensitive_data'] as const) : []),
      ];
    case 'SECURITY': {
      const risk = statedRisk(input, rules) ?? (catalogLevel === 'CRITICAL' ? 'high' : 'low');
      return [risk === 'high' ? 'high_risk' : 'low_risk'];
    }
    case 'SYSTEM_CONFIGURATION':
      return [
        ...(failed ? (['failure'] as const) : []),
        ...(destructiveChange(input, rules) ? (['destructive_change'] as const) : []),
      ];
    case 'COMPLIANCE':
      return [inSituation(input, rules.violation) ? 'violation' : 'compliant'];
    case 'BUSINESS_OPERATION':
      return failed ? ['failure'] : [];
  }
}

export function sensitiveData(input: LevelInput, rules: ClassificationRules): boolean {
  const types = rules.sensitive.resourceTypes;
  if (input.resourceType !== undefined && types.includes(input.resourceType)) return true;
  return touchesField(input.changedFields, rules.sensitive.fields);
}

export function destructiveChange(input: LevelInput, rules: ClassificationRules): boolean {
  if (rules.destructive.deletes && input.operation === 'DELETE') return true;
  if (matchesEventType(input.eventType, rules.destructive.eventTypes)) return true;
  return touchesField(input.changedFields, rules.destructive.fields);
}

/**
 * The level of an event by the table: its catalog level raised by every situation it is in. A
 * SECURITY event's risk decides its level outright (the table has no other SECURITY levels).
 */
export function tableLevelOf(
  category: Category,
  catalogLevel: Level,
  input: LevelInput,
  rules: ClassificationRules,
): Level {
  const conditions = conditionsOf(category, catalogLevel, input, rules);
  let level: Level = category === 'SECURITY' ? 'INFO' : catalogLevel;
  for (const condition of conditions) level = maxLevel(level, tableLevel(category, condition) ?? 'INFO');
  return level;
}
