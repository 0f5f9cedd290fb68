import { z } from 'zod';
import type { EntryActor, EntryChanges, EntryContext, EntryResource } from './entry';
import { ACTOR_TYPES, OPERATIONS, OUTCOMES } from './enums';

// The value lists live in `enums.ts`, which the console bundles without zod; the envelope's
// importers find them here as well.
export { ACTOR_TYPES, OPERATIONS, OUTCOMES, type Operation, type Outcome } from './enums';

/**
 * The event envelope of the public contract: the one wire shape of every ingest path (Pub/Sub
 * body, HTTP body, outbox document). Messages are written for producers: each names the rule.
 */

// Matching control characters is the point of this pattern: they are refused in identifiers.
// eslint-disable-next-line no-control-regex
export const NO_CONTROL_CHARS = /^[^\u0000-\u001f\u007f]*$/;
const CONTROL_MESSAGE = 'must not contain control characters';

/** Human-readable text: bounded, no control characters. */
const text = (max: number) =>
  z.string().max(max, `must be at most ${max} characters`).regex(NO_CONTROL_CHARS, CONTROL_MESSAGE);
/** A required identifier: non-empty text. */
const identifier = (max: number) => text(max).min(1, 'must not be empty');

// A plain JSON object, checked in one step: a record schema would also copy every member, and
// the free-form parts are copied once anyway, by redaction. Keys of parsed JSON are always strings.
// The metadata gives the JSON Schema (OpenAPI) the same object type a record would have.
const jsonObject = z
  .custom<Record<string, unknown>>((value) => {
    if (value === null || typeof value !== 'object') return false;
    const proto: unknown = Object.getPrototypeOf(value);
    return proto === Object.prototype || proto === null;
  }, 'must be an object')
  .meta({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: {} });

export const actorSchema = z.strictObject({
  type: z.enum(ACTOR_TYPES, `must be one of ${ACTOR_TYPES.join(', ')}`),
  id: identifier(256).optional(),
  name: text(256).optional(),
  email: z.email('must be an email address').max(320).optional(),
  ip: z.union([z.ipv4(), z.ipv6()], 'must be an IPv4 or IPv6 address').optional(),
  userAgent: text(1024).optional(),
  roles: z.array(identifier(64)).max(50, 'must list at most 50 roles').optional(),
});

export const resourceSchema = z.strictObject({
  type: z
    .string()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case, e.g. repository'),
  id: identifier(256),
  name: text(256).optional(),
  path: text(1024).optional(),
});

export const changesSchema = z.strictObject({
  before: jsonObject.nullable().default(null),
  after: jsonObject.nullable().default(null),
});

export const contextSchema = z.strictObject({
  correlationId: identifier(128).optional(),
  requestId: identifier(128).optional(),
  sessionId: identifier(128).optional(),
});

export const envelopeSchema = z.strictObject({
  specVersion: z.literal('1.0', 'must be "1.0"'),
  eventId: identifier(128),
  eventType: z
    .string()
    .max(128, 'must be at most 128 characters')
    .regex(
      /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/,
      'must be dotted lower_snake_case with at least two parts, e.g. repo.visibility_changed',
    ),
  tenantId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 characters of A-Z, a-z, 0-9, _ or -'),
  occurredAt: z.iso.datetime({
    offset: true,
    message: 'must be an ISO 8601 date-time with a zone, e.g. 2026-01-31T12:00:00Z',
  }),
  source: z
    .string()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'must be letters, digits and . _ : / -'),
  sequence: z
    .number('must be a number')
    .int('must be an integer')
    .min(0, 'must be 0 or more')
    .max(Number.MAX_SAFE_INTEGER, 'must be a safe integer')
    .optional(),
  actor: actorSchema,
  resource: resourceSchema.optional(),
  operation: z.enum(OPERATIONS, `must be one of ${OPERATIONS.join(', ')}`).optional(),
  outcome: z.enum(OUTCOMES, `must be one of ${OUTCOMES.join(', ')}`).default('success'),
  changes: changesSchema.optional(),
  metadata: jsonObject.optional(),
  context: contextSchema.optional(),
});

/** A structurally valid envelope (defaults applied), before the semantic checks of `validate.ts`. */
export type Envelope = z.infer<typeof envelopeSchema>;
export type Actor = z.infer<typeof actorSchema>;
export type Resource = z.infer<typeof resourceSchema>;
export type Changes = z.infer<typeof changesSchema>;

// What the envelope accepts is what the stored entry holds (entry.ts): checked here, so a field
// added to one side and not the other fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type EnvelopeMatchesEntry = [
  Holds<Same<Actor, EntryActor>>,
  Holds<Same<Resource, EntryResource>>,
  Holds<Same<Changes, EntryChanges>>,
  Holds<Same<z.infer<typeof contextSchema>, EntryContext>>,
];

/** Size limits of the contract, in bytes of UTF-8 JSON. */
export const LIMITS = {
  envelopeBytes: 256 * 1024,
  metadataBytes: 64 * 1024,
  maxDepth: 32,
  futureSkewMs: 5 * 60 * 1000,
} as const;
