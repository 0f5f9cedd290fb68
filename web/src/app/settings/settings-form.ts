import type {
  AlertRuleInput,
  ClassificationOverride,
  ClassificationSettings,
  TenantSettingsUpdate,
} from '@audit-log/model/callables';
import { ruleValuesOf, rulesOf, type RuleValues } from './classification-form';

/**
 * The settings form as plain values, and its conversion to the `updateTenantSettings` input.
 * Pure, so the rules of what is sent (only changed sections, numbers as numbers, lists split)
 * are unit-testable; the server validates everything again with the domain schema.
 */

export const REVIEW_LEVELS = ['CRITICAL', 'ERROR', 'WARNING', 'INFO'] as const;
export type ReviewLevel = (typeof REVIEW_LEVELS)[number];

/** The settings as `getTenantSettings` answers them (defaults filled in). */
export interface TenantSettingsView {
  name?: string;
  retentionDays: number;
  classification: ClassificationSettings;
  redaction: { extraKeys: string[]; maskEmails: boolean };
  review: { deadlineHours: Record<ReviewLevel, number> };
  alerts: { rules: unknown[] };
  webhook: { enabled: boolean; url?: string };
  anomaly: { enabled: boolean; deniedThreshold: number; windowSeconds: number };
}

export interface SettingsForm {
  name: string;
  retentionDays: string;
  extraKeys: string;
  maskEmails: boolean;
  overridesJson: string;
  /** The rules behind the level table (classification-form). */
  rules: RuleValues;
  destructiveDeletes: boolean;
  deadlines: Record<ReviewLevel, string>;
  rulesJson: string;
  webhookEnabled: boolean;
  webhookUrl: string;
  anomalyEnabled: boolean;
  deniedThreshold: string;
  windowSeconds: string;
}

export function formOf(s: TenantSettingsView): SettingsForm {
  return {
    name: s.name ?? '',
    retentionDays: String(s.retentionDays),
    extraKeys: s.redaction.extraKeys.join(', '),
    maskEmails: s.redaction.maskEmails,
    overridesJson: JSON.stringify(s.classification.overrides, null, 2),
    rules: ruleValuesOf(s.classification),
    destructiveDeletes: s.classification.destructive.deletes,
    deadlines: {
      CRITICAL: String(s.review.deadlineHours.CRITICAL),
      ERROR: String(s.review.deadlineHours.ERROR),
      WARNING: String(s.review.deadlineHours.WARNING),
      INFO: String(s.review.deadlineHours.INFO),
    },
    rulesJson: JSON.stringify(s.alerts.rules, null, 2),
    webhookEnabled: s.webhook.enabled,
    webhookUrl: s.webhook.url ?? '',
    anomalyEnabled: s.anomaly.enabled,
    deniedThreshold: String(s.anomaly.deniedThreshold),
    windowSeconds: String(s.anomaly.windowSeconds),
  };
}

/** A form value that is not even well-formed input (the server never sees it). */
export class FormProblem extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

function num(value: string, path: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) throw new FormProblem(path, 'must be a number');
  return n;
}

function json(value: string, path: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new FormProblem(path, 'must be valid JSON');
  }
}

/**
 * Every section, as the callable expects it. Throws {@link FormProblem} for malformed values. The
 * JSON lists are taken as typed: the server checks every field of them and names the wrong ones.
 */
export function sectionsOf(form: SettingsForm): TenantSettingsUpdate {
  const sections: TenantSettingsUpdate = {
    retentionDays: num(form.retentionDays, 'retentionDays'),
    classification: {
      overrides: json(form.overridesJson, 'classification.overrides') as ClassificationOverride[],
      ...rulesOf(form.rules, form.destructiveDeletes, num),
    },
    redaction: {
      extraKeys: form.extraKeys
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== ''),
      maskEmails: form.maskEmails,
    },
    review: {
      deadlineHours: Object.fromEntries(
        REVIEW_LEVELS.map((l) => [l, num(form.deadlines[l], `review.deadlineHours.${l}`)]),
      ),
    },
    alerts: { rules: json(form.rulesJson, 'alerts.rules') as AlertRuleInput[] },
    webhook:
      form.webhookUrl.trim() === ''
        ? { enabled: form.webhookEnabled }
        : { enabled: form.webhookEnabled, url: form.webhookUrl.trim() },
    anomaly: {
      enabled: form.anomalyEnabled,
      deniedThreshold: num(form.deniedThreshold, 'anomaly.deniedThreshold'),
      windowSeconds: num(form.windowSeconds, 'anomaly.windowSeconds'),
    },
  };
  if (form.name.trim() !== '') sections.name = form.name.trim();
  return sections;
}

/** Only the sections whose value differs from what was loaded: an unchanged section is not rewritten. */
export function changedSections(form: SettingsForm, loaded: TenantSettingsView): TenantSettingsUpdate {
  const next = sectionsOf(form);
  const before = sectionsOf(formOf(loaded));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(value) !== JSON.stringify(before[key as keyof TenantSettingsUpdate])) out[key] = value;
  }
  return out;
}
