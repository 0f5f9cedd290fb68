import { z } from 'zod';
import { alertSettingsSchema } from '../alerts/rules';
import { webhookSettingsSchema } from '../alerts/webhook';
import { anomalySettingsSchema, readAnomalySettings, type AnomalySettings } from '../anomaly';
import { canonicalJson } from '../canonical';
import { labelSchema, userActor } from '../commands';
import { privacySettingsSchema } from '../privacy/settings';
import { reviewSettingsSchema } from '../review/deadline';
import { gapDetectionSettingsSchema, readGapDetectionSettings, type GapDetectionSettings } from '../streams/gap-report';
import {
  classificationSettingsSchema,
  ingestSettingsSchema,
  readTenantSettings,
  tenantSettingsSchema,
  type TenantSettings,
} from '../tenant';

/** Every section of a tenant's settings, as the console shows and edits them. */
export type TenantSettingsView = TenantSettings & { anomaly: AnomalySettings; gapDetection: GapDetectionSettings };

/** The top-level sections of the settings document, in display order. */
export const SETTINGS_SECTIONS = [
  'name',
  'retentionDays',
  'classification',
  'redaction',
  'review',
  'alerts',
  'webhook',
  'anomaly',
  'gapDetection',
  'ingest',
  'privacy',
] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

/**
 * Input of `updateTenantSettings`: the sections to change. Each section sent replaces that
 * section as a whole (fields omitted inside it take their defaults); sections not sent stay as
 * they are. Unknown sections and unknown fields are refused, so a typo never silently does nothing.
 */
export const tenantSettingsUpdateSchema = z
  .strictObject({
    name: labelSchema(256).optional(),
    retentionDays: z
      .number('must be a number of days')
      .int('must be whole days')
      .min(1, 'must be at least 1 day')
      .max(3650, 'must be at most 3650 days')
      .optional(),
    classification: classificationSettingsSchema.optional(),
    redaction: z
      .strictObject({
        extraKeys: z
          .array(z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters'))
          .max(200, 'must list at most 200 keys')
          .default([]),
        maskEmails: z.boolean('must be true or false').default(true),
      })
      .optional(),
    review: reviewSettingsSchema.optional(),
    alerts: alertSettingsSchema.optional(),
    webhook: webhookSettingsSchema.optional(),
    anomaly: anomalySettingsSchema.strict().optional(),
    gapDetection: gapDetectionSettingsSchema.strict().optional(),
    ingest: ingestSettingsSchema.strict().optional(),
    privacy: privacySettingsSchema.strict().optional(),
  })
  .refine((update) => Object.keys(update).length > 0, { message: 'must change at least one section' });
export type TenantSettingsUpdate = z.infer<typeof tenantSettingsUpdateSchema>;

/** `updateTenantSettings`: `{settings: {<section>: <value>, ...}}`. */
export const updateTenantSettingsInputSchema = z.strictObject({ settings: tenantSettingsUpdateSchema });

/** `getTenantSettings`: platform admins name the tenant; tenant admins read their own. */
export const getTenantSettingsInputSchema = z.strictObject({
  tenantId: z.string('must be a string').min(1).max(128).optional(),
});

/** The settings of a tenant document, with every default filled in; problems of a malformed one. */
export function settingsView(tenantDoc: unknown): { settings: TenantSettingsView; problems: string[] } {
  const base = readTenantSettings(tenantDoc);
  const anomaly = readAnomalySettings(tenantDoc);
  const gaps = readGapDetectionSettings(tenantDoc);
  return {
    settings: { ...base.settings, anomaly: anomaly.settings, gapDetection: gaps.settings },
    problems: [...base.problems, ...anomaly.problems, ...gaps.problems],
  };
}

export interface SettingsChange {
  before: TenantSettingsView;
  after: TenantSettingsView;
  /** Sections whose value differs; empty when the update changes nothing. */
  changed: SettingsSection[];
  /** Field values to write to the tenant document: each changed section, whole. */
  writes: Partial<Record<SettingsSection, unknown>>;
}

/** Applies an update to the current settings document. Pure: the adapter writes `writes`. */
export function applySettingsUpdate(tenantDoc: unknown, update: TenantSettingsUpdate): SettingsChange {
  const { settings: before } = settingsView(tenantDoc);
  const merged = { ...before, ...update };
  const after: TenantSettingsView = {
    ...tenantSettingsSchema.parse(merged),
    anomaly: anomalySettingsSchema.parse(merged.anomaly),
    gapDetection: gapDetectionSettingsSchema.parse(merged.gapDetection),
  };
  const changed = SETTINGS_SECTIONS.filter((s) => canonicalJson(before[s]) !== canonicalJson(after[s]));
  const writes: Partial<Record<SettingsSection, unknown>> = {};
  for (const section of changed) writes[section] = after[section];
  return { before, after, changed, writes };
}

/** Source of the audit entries of settings changes. */
export const SETTINGS_AUDIT_SOURCE = 'audit-settings';
export const SETTINGS_UPDATED_EVENT = 'config.tenant_settings.updated';

function pick(view: TenantSettingsView, sections: readonly SettingsSection[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sections) out[s] = view[s] ?? null;
  return out;
}

/**
 * The audit envelope of a settings change: before and after of each changed section. The event
 * id is fixed by the settings version the change produced, so a retried write is stored once.
 */
export function settingsChangedEnvelope(input: {
  tenantId: string;
  admin: { uid: string; email?: string };
  change: SettingsChange;
  version: number;
  occurredAt: string;
}): Record<string, unknown> {
  const { change } = input;
  return {
    specVersion: '1.0',
    eventId: `tenant-settings-${input.version}`,
    eventType: SETTINGS_UPDATED_EVENT,
    tenantId: input.tenantId,
    occurredAt: input.occurredAt,
    source: SETTINGS_AUDIT_SOURCE,
    actor: userActor(input.admin),
    resource: { type: 'tenant', id: input.tenantId, ...(change.after.name ? { name: change.after.name } : {}) },
    operation: 'UPDATE',
    outcome: 'success',
    changes: { before: pick(change.before, change.changed), after: pick(change.after, change.changed) },
    metadata: { sections: change.changed, settingsVersion: input.version },
  };
}
