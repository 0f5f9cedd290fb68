/**
 * The risk score of an actor (docs/analytics.md): a weighted sum of what the actor's entries say
 * went wrong. One copy for the functions (which keep the riskiest actors of each day in the daily
 * rollups) and the console (which ranks actors over a period). Imports nothing: the console's.
 */

/** The components of the score, each a count of the actor's entries. */
export interface RiskComponents {
  /** Entries with outcome `denied`: the actor tried something it may not do. */
  denials: number;
  /** Entries with outcome `failure`. */
  failures: number;
  /** Entries classified CRITICAL. */
  critical: number;
  /** Entries in the SECURITY category. */
  security: number;
  /** Entries a detector raised about the actor (`anomalyPattern` is not null). */
  anomalies: number;
}

export const RISK_COMPONENTS = [
  'denials',
  'failures',
  'critical',
  'security',
  'anomalies',
] as const satisfies ReadonlyArray<keyof RiskComponents>;

/**
 * Weight of each component. An anomaly is a detector's conclusion over many entries, so it weighs
 * most; a CRITICAL entry is what the classification table reserves for the gravest events; a
 * denial is a probe, a SECURITY entry a signal, a failure mostly noise. Entries count in every
 * component they match (a repeated-denials anomaly is also CRITICAL and SECURITY: 10 + 5 + 2).
 */
export const RISK_WEIGHTS: Readonly<RiskComponents> = {
  denials: 3,
  failures: 1,
  critical: 5,
  security: 2,
  anomalies: 10,
};

/** The score of some components. */
export function riskScore(c: Readonly<RiskComponents>): number {
  return RISK_COMPONENTS.reduce((sum, k) => sum + RISK_WEIGHTS[k] * c[k], 0);
}

/** Components all zero. */
export function noRisk(): RiskComponents {
  return { denials: 0, failures: 0, critical: 0, security: 0, anomalies: 0 };
}

/**
 * The detector that raised an entry, or null when no detector did. Every detector writes entries
 * of its own event type: repeated denials (`security.anomaly.*`), the integrity check and the
 * sequence gap detector; a new `security.anomaly.<rule>` is counted without an edit here.
 */
export function anomalyPattern(eventType: string): string | null {
  if (eventType.startsWith('security.anomaly.')) return eventType;
  return DETECTOR_EVENT_TYPES.has(eventType) ? eventType : null;
}

const DETECTOR_EVENT_TYPES: ReadonlySet<string> = new Set([
  'security.integrity_violation',
  'audit.ingest.gap_detected',
]);
