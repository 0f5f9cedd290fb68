import { z } from 'zod';
import { alertSettingsSchema } from './alerts/rules';
import { webhookSettingsSchema } from './alerts/webhook';
import { classificationSettingsSchema } from './classification-settings';
import { privacySettingsSchema } from './privacy/settings';
import { reviewSettingsSchema } from './review/deadline';
import { issueLines } from '@audit-log/model';

export {
  classificationOverrideSchema,
  classificationSettingsSchema,
  type ClassificationOverride,
} from './classification-settings';

/** Most producers report within seconds; a month covers queued and offline clients. */
export const DEFAULT_MAX_BACKDATE_DAYS = 30;

/**
 * Which producers may write for the tenant through Pub/Sub. Whoever may publish to the ingest topic
 * may name any tenant (the topic's IAM is the only gate, and it is project-wide), so a tenant that
 * knows its Pub/Sub producers lists their `source` values here; events under any other source are
 * dead-lettered (`source_not_allowed`). Empty = any source, the behaviour before the setting.
 */
export const ingestSettingsSchema = z.object({
  pubsubSources: z
    .array(z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters'))
    .max(100, 'must list at most 100 sources')
    .default([]),
  /**
   * How far before its ingest an event may say it occurred (never more than `retentionDays`).
   * Without a bound anyone who may write could backdate large events onto days already past
   * warm retention, straight into the next archive run; history is imported with the backfill
   * capability instead (an API key with the `backfill` scope, or a source in `backfillSources`).
   */
  maxBackdateDays: z
    .number('must be a number of days')
    .int('must be whole days')
    .min(1, 'must be at least 1 day')
    .max(3650, 'must be at most 3650 days')
    .default(DEFAULT_MAX_BACKDATE_DAYS),
  /** Pub/Sub sources that may import history (events older than `maxBackdateDays`). */
  backfillSources: z
    .array(z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters'))
    .max(100, 'must list at most 100 sources')
    .default([]),
});
export type IngestSettings = z.infer<typeof ingestSettingsSchema>;

/** Settings kept in `tenants/{tenantId}`; every field has a default so a bare document works. */
export const tenantSettingsSchema = z.object({
  name: z.string().max(256).optional(),
  retentionDays: z.number().int().min(1).max(3650).default(90),
  /** Overrides by event type, and the data behind the level table (see classification-settings). */
  classification: classificationSettingsSchema.default(() => classificationSettingsSchema.parse({})),
  redaction: z
    .object({
      extraKeys: z.array(z.string().min(1).max(128)).max(200).default([]),
      maskEmails: z.boolean().default(true),
    })
    .default({ extraKeys: [], maskEmails: true }),
  /** Review deadlines per level (see domain/review). */
  review: reviewSettingsSchema.default(() => reviewSettingsSchema.parse({})),
  /** Alert rules and their channels (see domain/alerts); defaults to one rule for CRITICAL events. */
  alerts: alertSettingsSchema.default(() => alertSettingsSchema.parse({})),
  /** The tenant's webhook endpoint; its signing secret is kept server-side, apart from the settings. */
  webhook: webhookSettingsSchema.default({ enabled: false }),
  /** Which sources may publish for the tenant through Pub/Sub (see `ingestSettingsSchema`). */
  ingest: ingestSettingsSchema.default(() => ingestSettingsSchema.parse({})),
  /** Personal data encrypted per data subject (see domain/privacy); on by default. */
  privacy: privacySettingsSchema.default(() => privacySettingsSchema.parse({})),
});
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

export const DEFAULT_TENANT_SETTINGS: TenantSettings = tenantSettingsSchema.parse({});

/**
 * The defaults with personal data sealing turned off, as a tenant that opted out has them: entries
 * built under them keep personal fields in clear. For fixtures and benchmarks of the clear path;
 * a tenant's real settings always come from its document (`readTenantSettings`).
 */
export const CLEAR_TEXT_TENANT_SETTINGS: TenantSettings = tenantSettingsSchema.parse({
  privacy: { encryptPersonalData: false },
});

/**
 * Reads a tenant document. A malformed settings document must not stop ingest (that would lose
 * events), so each malformed section falls back to its default on its own, and the problems are
 * reported for the operator's log. Only that section: a webhook URL that stopped passing the
 * destination checks must not also switch off the tenant's redaction rules or source allow-list.
 */
export function readTenantSettings(data: unknown): { settings: TenantSettings; problems: string[] } {
  const result = tenantSettingsSchema.safeParse(data ?? {});
  if (result.success) return { settings: result.data, problems: [] };
  const problems = issueLines(result.error.issues);
  const broken = new Set(result.error.issues.map((i) => i.path[0]));
  const sections = data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  const kept = Object.fromEntries(Object.entries(sections).filter(([key]) => !broken.has(key)));
  const repaired = tenantSettingsSchema.safeParse(kept);
  return { settings: repaired.success ? repaired.data : DEFAULT_TENANT_SETTINGS, problems };
}
