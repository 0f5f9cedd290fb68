import { z } from 'zod';
import { CATEGORIES, LEVELS, REVIEW_STATUSES } from '../domain';
import {
  actorSchema,
  changesSchema,
  contextSchema,
  envelopeSchema,
  OPERATIONS,
  OUTCOMES,
  resourceSchema,
} from '../domain';
import { API_ERROR_CODES, HTTP_INGEST_LIMITS, QUERY_LIMITS, SERVED_COMBINATIONS } from '../domain/api';
import { REJECTION_REASONS } from '../domain';
import { reviewRecordSchema } from '../domain/review';
import { WATERMARK_SCAN_LIMIT } from './watermark-get';

/**
 * The OpenAPI 3.1 description of the `api` function, served at `GET /v1/openapi.json` and linted
 * in the tests. Wire shapes come from the same zod schemas the API validates with (JSON Schema
 * 2020-12 is OpenAPI 3.1's dialect), so the document cannot drift from the validation.
 */

type Json = Record<string, unknown>;

function jsonSchemaOf(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string, headers?: Json) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref('Error') } },
});

const combos = SERVED_COMBINATIONS.filter((c) => c.length > 1)
  .map((c) => c.join('+'))
  .join(', ');

function schemas(): Json {
  const fieldError = {
    type: 'object',
    required: ['path', 'message'],
    properties: {
      path: {
        type: 'string',
        description: 'Dotted path of the field (`actor.id`, `events[3].tenantId`); empty for the whole body.',
      },
      message: { type: 'string' },
    },
  };
  return {
    Envelope: { ...jsonSchemaOf(envelopeSchema), description: 'An audit event as producers send it (contract).' },
    Batch: {
      type: 'object',
      required: ['events'],
      additionalProperties: false,
      properties: {
        events: { type: 'array', minItems: 1, maxItems: HTTP_INGEST_LIMITS.maxEvents, items: ref('Envelope') },
      },
    },
    FieldError: fieldError,
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message', 'errors'],
          properties: {
            code: { type: 'string', enum: [...API_ERROR_CODES, 'internal'] },
            message: { type: 'string' },
            errors: { type: 'array', items: ref('FieldError') },
          },
        },
        accepted: { type: 'integer', description: 'With `invalid_events`: always 0.' },
        rejected: { type: 'integer' },
        results: {
          type: 'array',
          items: ref('EventResult'),
          description: 'With `invalid_events`: why each event was rejected.',
        },
      },
    },
    EventResult: {
      type: 'object',
      required: ['index', 'status'],
      properties: {
        index: { type: 'integer', minimum: 0, description: 'Position in the request (0 for a lone envelope).' },
        eventId: { type: 'string' },
        status: { type: 'string', enum: ['stored', 'duplicate', 'rejected'] },
        logId: { type: 'string', description: 'Id of the entry in audit_logs (stored or duplicate).' },
        reason: { type: 'string', enum: [...REJECTION_REASONS] },
        message: { type: 'string' },
        errors: { type: 'array', items: ref('FieldError') },
        deadLetterId: {
          type: 'string',
          description: 'Id in audit_dead_letters; stable for retries of the same request.',
        },
      },
    },
    IngestResult: {
      type: 'object',
      required: ['accepted', 'rejected', 'results'],
      properties: {
        accepted: { type: 'integer', description: 'Events stored now or already stored before (duplicates).' },
        rejected: { type: 'integer', description: 'Invalid events, dead-lettered with their reason.' },
        results: { type: 'array', items: ref('EventResult') },
      },
    },
    Entry: {
      type: 'object',
      description: 'A stored audit entry; instants are ISO 8601 UTC strings.',
      required: [
        'logId',
        'eventId',
        'eventType',
        'tenantId',
        'occurredAt',
        'recordedAt',
        'source',
        'actor',
        'operation',
        'outcome',
        'category',
        'level',
        'requiresReview',
        'reviewStatus',
        'changedFields',
        'redactions',
        'hash',
      ],
      properties: {
        logId: { type: 'string' },
        specVersion: { type: 'string', const: '1.0' },
        eventId: { type: 'string' },
        eventType: { type: 'string' },
        tenantId: { type: 'string' },
        occurredAt: { type: 'string', format: 'date-time' },
        recordedAt: { type: 'string', format: 'date-time' },
        source: { type: 'string' },
        sequence: { type: 'integer', minimum: 0 },
        actor: jsonSchemaOf(actorSchema),
        resource: jsonSchemaOf(resourceSchema),
        operation: { type: 'string', enum: [...OPERATIONS] },
        outcome: { type: 'string', enum: [...OUTCOMES] },
        changes: jsonSchemaOf(changesSchema),
        metadata: { type: 'object' },
        context: jsonSchemaOf(contextSchema),
        category: { type: 'string', enum: [...CATEGORIES] },
        level: { type: 'string', enum: [...LEVELS] },
        requiresReview: { type: 'boolean' },
        reviewStatus: { type: 'string', enum: [...REVIEW_STATUSES] },
        review: {
          ...jsonSchemaOf(reviewRecordSchema),
          description:
            'Review record of an entry that requires review: deadline, assignee, decisions. Server-written and ' +
            'outside `hash`; its instants are ISO 8601 UTC strings like every other instant.',
        },
        changedFields: { type: 'array', items: { type: 'string' } },
        redactions: { type: 'array', items: { type: 'string' } },
        hash: { type: 'string', description: 'Hex SHA-256 of the canonical entry.' },
      },
    },
    StreamWatermark: {
      type: 'object',
      required: ['tenantId', 'source', 'highestContiguous', 'scannedFrom', 'scannedThrough', 'missing', 'complete'],
      properties: {
        tenantId: { type: 'string' },
        source: { type: 'string' },
        highestContiguous: {
          type: 'integer',
          minimum: -1,
          description: 'Highest n such that sequences 0..n of the stream are all stored; -1 when 0 is not.',
        },
        scannedFrom: {
          type: 'integer',
          minimum: 0,
          description: 'First sequence number looked at: `from`, or just above the prefix the detector knows.',
        },
        scannedThrough: {
          type: 'integer',
          minimum: -1,
          description: 'Highest stored sequence number seen.',
        },
        complete: {
          type: 'boolean',
          description:
            'True when every stored number from `scannedFrom` up was seen (nothing above `scannedThrough` is stored); ' +
            'false when the scan stopped at its limit: ask again `from` a higher number.',
        },
        missing: {
          type: 'array',
          description:
            'Ranges (inclusive) within `[scannedFrom, scannedThrough]` above `highestContiguous` that are not stored.',
          items: {
            type: 'object',
            required: ['from', 'to'],
            properties: { from: { type: 'integer', minimum: 0 }, to: { type: 'integer', minimum: 0 } },
          },
        },
      },
    },
    EventPage: {
      type: 'object',
      required: ['entries', 'next_cursor'],
      properties: {
        entries: { type: 'array', items: ref('Entry') },
        next_cursor: {
          type: ['string', 'null'],
          description: 'Pass as `cursor` for the next page; null on the last page.',
        },
      },
    },
  };
}

const query = (name: string, description: string, schema: Json) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

function eventsPath(): Json {
  return {
    post: {
      operationId: 'ingestEvents',
      summary: 'Send one audit event or a batch',
      description:
        `Body: one envelope, or \`{"events": [...]}\` with 1-${HTTP_INGEST_LIMITS.maxEvents} envelopes. ` +
        `Limits (413, nothing stored): body ${HTTP_INGEST_LIMITS.maxBodyBytes} bytes, ${HTTP_INGEST_LIMITS.maxEvents} events, ` +
        `${HTTP_INGEST_LIMITS.maxEventBytes} bytes per event. Every event must name the key's tenant (else 403, nothing stored). ` +
        'Events are idempotent by (tenantId, source, eventId) across every ingest path. Mixed batches: 202 when at least one ' +
        'event is stored or already stored; invalid events are dead-lettered and reported per event. 400 when every event is ' +
        'invalid. The rate limit counts events (`api.rateLimit` of the tenant settings: eventsPerSecond, burst): at most ' +
        '`burst` events within any `burst / eventsPerSecond` seconds, measured as a sliding window over counters ' +
        "shared by all instances, so it holds approximately (the estimate assumes the previous window's events " +
        'were evenly spread). Concurrent requests of a tenant are each answered 202 or 429, never 5xx for contention; ' +
        'a 429 right after a burst of concurrent requests may say `Retry-After: 1` while those requests settle. ' +
        'Send `Content-Type: application/json` (malformed JSON may then be refused by the platform with a plain 400) or ' +
        '`text/plain` to get field-level JSON errors for malformed JSON. A 5xx may be retried as a whole: stored events come ' +
        'back as `duplicate`.',
      tags: ['events'],
      parameters: [
        {
          name: 'X-Request-Id',
          in: 'header',
          required: false,
          description: 'Identifies the request; retries with the same id reuse its dead-letter ids.',
          schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
        },
        {
          name: 'X-Correlation-Id',
          in: 'header',
          required: false,
          description: 'Copied into `context.correlationId` of events that have none.',
          schema: { type: 'string', maxLength: 128 },
        },
      ],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { oneOf: [ref('Envelope'), ref('Batch')] } } },
      },
      responses: {
        '202': {
          description: 'Accepted: per-event results.',
          headers: {
            'RateLimit-Limit': { description: 'Burst size of the tenant.', schema: { type: 'integer' } },
            'RateLimit-Remaining': {
              description: 'Events left in the current window, approximately (as this instance knows it).',
              schema: { type: 'integer' },
            },
          },
          content: { 'application/json': { schema: ref('IngestResult') } },
        },
        '400': errorResponse(
          'Body not JSON (`invalid_json`), not an envelope or batch (`invalid_body`), or every event invalid (`invalid_events`, with results).',
        ),
        '401': errorResponse('Missing, malformed or unknown API key.'),
        '403': errorResponse(
          'Revoked key (`api_key_revoked`), a key without the `ingest` scope (`insufficient_scope`) or an event of another tenant (`tenant_mismatch`).',
        ),
        '413': errorResponse('Body, batch or an event too large (`payload_too_large`).'),
        '429': errorResponse(
          'The key over its share (`api.keyRateLimit`) or the tenant over its rate (`rate_limited`).',
          {
            'Retry-After': {
              description: 'Seconds until the same request would be admitted.',
              required: true,
              schema: { type: 'integer' },
            },
          },
        ),
        '503': errorResponse('Storage failed transiently; retry the request.'),
      },
    },
    get: {
      operationId: 'listEvents',
      summary: "List the key's tenant's audit entries",
      description:
        `Newest first. Equality filters combine as any single filter or: ${combos}; \`from\`/\`to\` combine with all ` +
        '(other combinations are 400 `unsupported_filter_combination`). Follow `next_cursor` with the same filters. ' +
        'Needs the `read` scope; each request spends one of the tenant read budget (`api.readRateLimit`) and is ' +
        'recorded as one DATA_ACCESS entry `api.events.listed` (filters and count).',
      tags: ['events'],
      parameters: [
        query('from', 'Entries that occurred at or after this instant.', { type: 'string', format: 'date-time' }),
        query('to', 'Entries that occurred strictly before this instant.', { type: 'string', format: 'date-time' }),
        query('actor_id', 'Actor id, exact.', { type: 'string', maxLength: 256 }),
        query(
          'actor_email',
          "Actor e-mail address, case-insensitive: finds the person's entries whether stored in clear or sealed " +
            '(through the blind index). Combines with category or level only; recorded by its blind-index token.',
          { type: 'string', maxLength: 254, format: 'email' },
        ),
        query('event_type', `Comma-separated event types (at most ${QUERY_LIMITS.maxEventTypes}).`, { type: 'string' }),
        query('category', 'Category.', { type: 'string', enum: [...CATEGORIES] }),
        query('level', 'Level.', { type: 'string', enum: [...LEVELS] }),
        query('outcome', 'Outcome.', { type: 'string', enum: [...OUTCOMES] }),
        query('operation', 'What the entry did to its resource (created, changed, deleted, read, executed).', {
          type: 'string',
          enum: [...OPERATIONS],
        }),
        query('limit', 'Page size.', {
          type: 'integer',
          minimum: 1,
          maximum: QUERY_LIMITS.maxPageSize,
          default: QUERY_LIMITS.defaultPageSize,
        }),
        query('cursor', 'The `next_cursor` of the previous page.', { type: 'string' }),
      ],
      responses: {
        '200': { description: 'One page of entries.', content: { 'application/json': { schema: ref('EventPage') } } },
        '400': errorResponse('Invalid parameter, unsupported combination, or a foreign or forged cursor.'),
        '401': errorResponse('Missing, malformed or unknown API key.'),
        '403': errorResponse('Revoked key, or a key without the `read` scope (`insufficient_scope`).'),
        '429': errorResponse('Tenant over its read rate (`rate_limited`).', {
          'Retry-After': {
            description: 'Seconds until the same request would be admitted.',
            required: true,
            schema: { type: 'integer' },
          },
        }),
        '503': errorResponse('The read could not be recorded; retry the request.'),
      },
    },
  };
}

function watermarkPath(): Json {
  return {
    get: {
      operationId: 'getStreamWatermark',
      summary: "How far a producer's stream is stored",
      description:
        "A producer stream is the events of one `source` of the key's tenant, numbered by `sequence` from 0 " +
        '(the SDK stamps it). The answer says up to which number every event is stored, and which numbers above ' +
        `it are missing, looking at up to ${WATERMARK_SCAN_LIMIT} stored numbers past the detector's last known ` +
        'prefix. Producers use it to confirm delivery end to end and re-send what is missing (the publisher SDK ' +
        'does this when confirmation is on); re-sending is safe, events are idempotent. Gaps older than the ' +
        "tenant's grace period (`gapDetection.graceSeconds`, default 600) are also reported as " +
        '`audit.ingest.gap_detected` entries by the scheduled detector.',
      tags: ['streams'],
      parameters: [
        {
          name: 'source',
          in: 'path',
          required: true,
          description: "The stream's `source`, percent-encoded (`repo-service%2Fpod-3`).",
          schema: jsonSchemaOf(envelopeSchema.shape.source),
        },
        {
          name: 'from',
          in: 'query',
          required: false,
          description: 'Look from this sequence number up (a producer passes its oldest unconfirmed one).',
          schema: { type: 'integer', minimum: 0 },
        },
      ],
      responses: {
        '200': {
          description: "The stream's watermark (for a stream never seen: -1 and nothing missing).",
          content: { 'application/json': { schema: ref('StreamWatermark') } },
        },
        '400': errorResponse('Invalid source or from (`invalid_argument`, field `source` or `from`).'),
        '401': errorResponse('Missing, malformed or unknown API key.'),
        '403': errorResponse('Revoked key.'),
      },
    },
  };
}

let cached: Json | undefined;

/** The OpenAPI document (built once per instance). */
export function openApiDocument(): Json {
  cached ??= {
    openapi: '3.1.0',
    info: {
      title: 'Audit log HTTP API',
      version: '1.0.0',
      description: 'Send audit events and read audit entries of one tenant, authenticated by a tenant API key.',
      license: { name: 'UNLICENSED', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [
      { url: 'http://127.0.0.1:5001/demo-auditlog/us-central1/api', description: 'Firebase emulator' },
      {
        url: 'https://us-central1-{project}.cloudfunctions.net/api',
        description: 'Deployed',
        variables: { project: { default: 'demo-auditlog' } },
      },
    ],
    tags: [
      { name: 'events', description: 'Audit events in and audit entries out.' },
      { name: 'streams', description: 'Delivery confirmation of producer streams (sequence numbers).' },
      { name: 'meta', description: 'This document.' },
    ],
    security: [{ apiKey: [] }],
    paths: {
      '/v1/events': eventsPath(),
      '/v1/streams/{source}/watermark': watermarkPath(),
      '/v1/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This OpenAPI document',
          description: 'Public; no key needed.',
          tags: ['meta'],
          security: [],
          responses: {
            '200': { description: 'The document.', content: { 'application/json': { schema: { type: 'object' } } } },
            '404': errorResponse('No such route.'),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A tenant API key `alk_<tenant>.<id>.<secret>`, created by a tenant admin with the `createApiKey` callable.',
        },
      },
      schemas: schemas(),
    },
  };
  return cached;
}
