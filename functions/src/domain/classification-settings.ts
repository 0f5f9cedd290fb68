import { z } from 'zod';
import { DEFAULT_CLASSIFICATION_RULES, type ClassificationRules } from '@audit-log/model/classification';
import { CATEGORIES, LEVELS } from './catalog';

/**
 * The tenant's `classification` settings: overrides by event type, and the data that decides the
 * situations of the specification's level table (see `@audit-log/model/classification` and
 * docs/classification.md). Every field has a default, so `{}` and the documents written before
 * the rules existed (`{overrides}` only) read as the defaults.
 */

const EVENT_TYPE_PATTERN = /^[a-z0-9_.]+\*?$/;
const PATTERN_MESSAGE = 'must be an event type or a prefix ending in *';

/** One tenant override: `match` is an exact event type or a prefix ending in `*` (`repo.*`). */
export const classificationOverrideSchema = z.strictObject({
  match: z.string('must be a string').regex(EVENT_TYPE_PATTERN, PATTERN_MESSAGE),
  category: z.enum(CATEGORIES).optional(),
  level: z.enum(LEVELS).optional(),
  requiresReview: z.boolean().optional(),
});
export type ClassificationOverride = z.infer<typeof classificationOverrideSchema>;

const eventTypes = z
  .array(z.string('must be a string').regex(EVENT_TYPE_PATTERN, PATTERN_MESSAGE), 'must be a list of event types')
  .max(100, 'must list at most 100 event types');

const names = (what: string) =>
  z
    .array(
      z
        .string('must be a string')
        .min(1, 'must not be empty')
        .max(128, 'must be at most 128 characters')
        .regex(/^[A-Za-z0-9_-]*$/, 'must be letters, digits, _ or -'),
      `must be a list of ${what}`,
    )
    .max(100, `must list at most 100 ${what}`);

const metadataKey = z
  .string('must be a string')
  .regex(/^[A-Za-z0-9_]{1,64}$/, 'must be a metadata key of 1 to 64 letters, digits or _');

const situation = (defaults: ClassificationRules['anomaly']) =>
  z
    .strictObject({
      metadataFlag: metadataKey.default(defaults.metadataFlag),
      eventTypes: eventTypes.default(defaults.eventTypes),
      outcomes: z
        .array(z.enum(['failure', 'denied'], 'must be failure or denied'), 'must be a list of outcomes')
        .max(2, 'must list at most 2 outcomes')
        .default(defaults.outcomes),
    })
    .default(() => ({ ...defaults }));

const D = DEFAULT_CLASSIFICATION_RULES;

export const classificationSettingsSchema = z.strictObject({
  overrides: z.array(classificationOverrideSchema).max(200, 'must list at most 200 overrides').default([]),
  anomaly: situation(D.anomaly),
  abnormalAccess: situation(D.abnormalAccess),
  violation: situation(D.violation),
  sensitive: z
    .strictObject({
      resourceTypes: names('resource types').default(D.sensitive.resourceTypes),
      fields: names('field names').default(D.sensitive.fields),
    })
    .default(() => ({ ...D.sensitive })),
  destructive: z
    .strictObject({
      eventTypes: eventTypes.default(D.destructive.eventTypes),
      fields: names('field names').default(D.destructive.fields),
      deletes: z.boolean('must be true or false').default(D.destructive.deletes),
    })
    .default(() => ({ ...D.destructive })),
  risk: z
    .strictObject({
      metadataField: metadataKey.default(D.risk.metadataField),
      highThreshold: z
        .number('must be a number')
        .finite('must be a finite number')
        .min(0, 'must be at least 0')
        .max(1_000_000, 'must be at most 1000000')
        .default(D.risk.highThreshold),
    })
    .default(() => ({ ...D.risk })),
});
export type ClassificationSettingsData = z.infer<typeof classificationSettingsSchema>;

// The schema and the model's interface describe the same data: fail the build if they drift.
const _sameShape: ClassificationRules = {} as Omit<ClassificationSettingsData, 'overrides'>;
void _sameShape;
