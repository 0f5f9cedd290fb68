import type { Category, Level } from './catalog';

/**
 * The specification's level table and the data that decides its conditions. The table says which
 * level each situation of a category gets; the tenant's `classification` settings say how an event
 * shows that it is in a situation (an anomaly, sensitive data, a destructive change, ...). Both
 * live here, zod-free, so the console shows exactly what the functions apply. The rules are
 * applied by `functions/src/domain/level-rules.ts`; docs/classification.md explains them.
 */

/** A situation of the table: the outcome of an event, or what the tenant's rules recognise in it. */
export type LevelCondition =
  | 'success'
  | 'failure'
  | 'granted'
  | 'denied'
  | 'anomaly'
  | 'normal'
  | 'abnormal_access'
  | 'sensitive_data'
  | 'low_risk'
  | 'high_risk'
  | 'destructive_change'
  | 'compliant'
  | 'violation';

export interface LevelRule {
  condition: LevelCondition;
  level: Level;
}

const rule = (condition: LevelCondition, level: Level): LevelRule => ({ condition, level });

/**
 * The level table of the specification (category → rule), exactly. A catalog entry may start an
 * event above INFO (a deleted repository is a WARNING); a condition never lowers a level, except
 * that a SECURITY event's stated risk decides its level outright.
 */
export const LEVEL_TABLE: Readonly<Record<Category, readonly LevelRule[]>> = {
  AUTHENTICATION: [rule('success', 'INFO'), rule('failure', 'WARNING'), rule('anomaly', 'CRITICAL')],
  AUTHORIZATION: [rule('granted', 'INFO'), rule('denied', 'WARNING'), rule('anomaly', 'CRITICAL')],
  DATA_ACCESS: [rule('normal', 'INFO'), rule('abnormal_access', 'WARNING')],
  DATA_MODIFICATION: [rule('success', 'INFO'), rule('failure', 'ERROR'), rule('sensitive_data', 'WARNING')],
  SECURITY: [rule('low_risk', 'WARNING'), rule('high_risk', 'CRITICAL')],
  SYSTEM_CONFIGURATION: [rule('success', 'INFO'), rule('failure', 'ERROR'), rule('destructive_change', 'WARNING')],
  COMPLIANCE: [rule('compliant', 'INFO'), rule('violation', 'CRITICAL')],
  BUSINESS_OPERATION: [rule('success', 'INFO'), rule('failure', 'ERROR')],
};

/** The level the table gives a category in a situation (undefined: not a cell of the table). */
export function tableLevel(category: Category, condition: LevelCondition): Level | undefined {
  return LEVEL_TABLE[category].find((r) => r.condition === condition)?.level;
}

/** A non-success outcome of the envelope. */
export type FailedOutcome = 'failure' | 'denied';

/**
 * How an event says it is in a situation: a metadata flag set to `true`, an event type that is
 * such an event by nature (exact, or a prefix ending in `*`), or a failed or denied outcome.
 */
export interface SituationRule {
  /** Top-level `metadata` key whose value `true` states the situation. */
  metadataFlag: string;
  eventTypes: string[];
  outcomes: FailedOutcome[];
}

/** The tenant-tunable data behind the table's conditions (`tenants/{id}.classification`). */
export interface ClassificationRules {
  /** AUTHENTICATION and AUTHORIZATION: an anomaly is CRITICAL. */
  anomaly: SituationRule;
  /** DATA_ACCESS: abnormal access is a WARNING. */
  abnormalAccess: SituationRule;
  /** COMPLIANCE: a violation is CRITICAL. */
  violation: SituationRule;
  /** DATA_MODIFICATION: a change of sensitive data is a WARNING. */
  sensitive: {
    /** `resource.type` values whose every change is sensitive. */
    resourceTypes: string[];
    /** Field names (any level of `changes`, case-insensitive) whose change is sensitive. */
    fields: string[];
  };
  /** SYSTEM_CONFIGURATION: a destructive change is a WARNING. */
  destructive: {
    eventTypes: string[];
    /** Field names (any level of `changes`, case-insensitive) whose change is destructive. */
    fields: string[];
    /** Whether removing configuration (operation DELETE) is destructive. */
    deletes: boolean;
  };
  /** SECURITY: low risk is a WARNING, high risk CRITICAL. */
  risk: {
    /** Top-level `metadata` key: `'low'`/`'medium'`, `'high'`/`'critical'`, or a score. */
    metadataField: string;
    /** A numeric score at or above this is high risk. */
    highThreshold: number;
  };
}

/** The defaults every tenant starts with; docs/classification.md gives the reasons. */
export const DEFAULT_CLASSIFICATION_RULES: ClassificationRules = {
  anomaly: { metadataFlag: 'anomaly', eventTypes: ['auth.anomaly.*', 'permission.anomaly.*'], outcomes: [] },
  abnormalAccess: { metadataFlag: 'abnormalAccess', eventTypes: [], outcomes: ['failure', 'denied'] },
  violation: {
    metadataFlag: 'violation',
    eventTypes: ['compliance.violation*', 'compliance.policy_violated'],
    outcomes: ['failure', 'denied'],
  },
  sensitive: {
    resourceTypes: ['secret', 'credential', 'api_key', 'ssh_key', 'deploy_key', 'personal_data'],
    fields: ['password', 'secret', 'token', 'apiKey', 'privateKey', 'ssn', 'taxId', 'salary', 'iban', 'cardNumber'],
  },
  destructive: {
    eventTypes: [],
    fields: ['branchProtection', 'requiredReviews', 'requireMfa', 'encryption', 'auditLogging'],
    deletes: true,
  },
  risk: { metadataField: 'risk', highThreshold: 70 },
};

/** The tenant's `classification` section: the overrides and the rules above. */
export const CLASSIFICATION_RULE_KEYS = [
  'anomaly',
  'abnormalAccess',
  'violation',
  'sensitive',
  'destructive',
  'risk',
] as const satisfies ReadonlyArray<keyof ClassificationRules>;
