import {
  ACCESS_BOUNDS,
  ACCESS_KINDS,
  ACCESS_VIEWS,
  ENTRY_VIEWED_EVENT,
  LOG_SEARCHED_EVENT,
  type AccessFilters,
} from '@audit-log/model/access';
import { NO_CONTROL_CHARS } from '@audit-log/model/envelope';
import { z } from 'zod';
import { coldSearchRequestSchema, queryIdSchema } from '../archive';
import { logIdSchema, parseCommand } from '../commands';
import { recordedActorEmail, type BlindIndexOf } from '../privacy/person-search';
import { accessEventId, archiveSearchFilters, queryEventId } from './query-record';

/**
 * Reads of the audit log, recorded as entries of the tenant read. One entry per query or entry
 * opened, never per row, so reading costs one write at most. Recorded under {@link ACCESS_SOURCE},
 * a reserved source no producer can write, with `audit.*` types no producer may send.
 */
export const ACCESS_SOURCE = 'audit-access';

const { filterNames, filterNameChars, filterValues, filterValueChars, requestIdChars } = ACCESS_BOUNDS;
const FILTER_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const filterValue = z
  .string('must be a string or a list of strings')
  .max(filterValueChars, `must be at most ${filterValueChars} characters`)
  .regex(NO_CONTROL_CHARS, 'must not contain control characters');

/**
 * A reported filter: a plain object of at most {@link ACCESS_BOUNDS.filterNames} fields, each a
 * string or a short list of strings. The names are open (the console's filter grows) but shaped
 * like identifiers, which also keeps `__proto__` and friends out.
 */
const filtersSchema = z
  .custom<AccessFilters>(
    (value) =>
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      [Object.prototype, null].includes(Object.getPrototypeOf(value) as object | null),
    'must be an object of filter fields',
  )
  .superRefine((filters, ctx) => {
    const names = Object.keys(filters);
    if (names.length > filterNames) {
      ctx.addIssue({ code: 'custom', message: `must name at most ${filterNames} fields` });
      return;
    }
    const fields = filters as Record<string, unknown>;
    for (const name of names) {
      if (name.length > filterNameChars || !FILTER_NAME.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name.slice(0, filterNameChars)],
          message: `must be a field name (a letter, then letters, digits or _; at most ${filterNameChars} characters)`,
        });
        continue;
      }
      const value = fields[name];
      const list = Array.isArray(value) ? (value as unknown[]) : [value];
      if (list.length > filterValues) {
        ctx.addIssue({ code: 'custom', path: [name], message: `must list at most ${filterValues} values` });
        continue;
      }
      list.forEach((item, i) => {
        const checked = filterValue.safeParse(item);
        if (checked.success) return;
        for (const issue of checked.error.issues) {
          ctx.addIssue({
            code: 'custom',
            path: Array.isArray(value) ? [name, i] : [name],
            message: issue.message,
          });
        }
      });
    }
  });

/** The `recordAccess` request, bounded field by field. */
export const recordAccessSchema = z
  .strictObject({
    tenantId: z
      .string('must be a string')
      .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a tenant id (1..128 of A-Z a-z 0-9 _ -)'),
    kind: z.enum(ACCESS_KINDS, `must be one of ${ACCESS_KINDS.join(', ')}`),
    view: z.enum(ACCESS_VIEWS, `must be one of ${ACCESS_VIEWS.join(', ')}`),
    filters: filtersSchema.optional(),
    returned: z
      .number('must be a number')
      .int('must be a whole number')
      .min(0, 'must not be negative')
      .max(100_000, 'must be at most 100000')
      .optional(),
    logId: logIdSchema.optional(),
    requestId: z
      .string('must be a string')
      .regex(
        new RegExp(`^[A-Za-z0-9_-]{16,${requestIdChars}}$`),
        `must be 16..${requestIdChars} of A-Z a-z 0-9 _ - (unique per read)`,
      )
      .optional(),
    archive: z
      .strictObject({
        queryId: queryIdSchema,
        request: coldSearchRequestSchema,
      })
      .optional(),
  })
  .superRefine((req, ctx) => {
    if (req.kind === 'entry_view' && req.logId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['logId'], message: 'is required to record an entry view' });
    }
    if (req.kind === 'search' && req.logId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['logId'], message: 'belongs to an entry view, not to a search' });
    }
    if (req.kind === 'entry_view' && req.filters !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['filters'], message: 'belongs to a search, not to an entry view' });
    }
  });

export type RecordAccessInput = z.output<typeof recordAccessSchema>;

/** Parses a `recordAccess` request; `invalid_argument` with field-level errors otherwise. */
export function parseRecordAccess(data: unknown): RecordAccessInput {
  return parseCommand(recordAccessSchema, data);
}

/** Who read: the signed-in user of the console (or of the cold search callable). */
export interface Reader {
  uid: string;
  email?: string | undefined;
  /** A platform admin reads across tenants; the entry says so. */
  platformAdmin: boolean;
}

/** The actor of a read's entry: the user, marked when a platform admin read across tenants. */
export function readerActor(reader: Reader): Record<string, unknown> {
  return {
    type: 'user',
    id: reader.uid,
    ...(reader.email !== undefined ? { email: reader.email } : {}),
    ...(reader.platformAdmin ? { roles: ['platformAdmin'] } : {}),
  };
}

/** Filters as recorded: every value a list, like `api.events.listed` keeps its query parameters. */
function recordedFilters(filters: AccessFilters | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(filters ?? {})) out[name] = Array.isArray(value) ? value : [value];
  return out;
}

export interface ConsoleAccess {
  reader: Reader;
  /** The tenant read, already checked against the reader's claims. */
  tenantId: string;
  request: RecordAccessInput;
  /** `request.requestId`, or one the server picked. */
  readId: string;
  occurredAt: string;
}

/** The console's name of the searched address among a log search's filters (its URL parameter). */
export const EMAIL_FILTER = 'email';

/**
 * A console read as it is recorded: a searched address (the log filter's `email`, the archive
 * request's `actorEmail`) by its blind token, never in clear, as `searchArchives` records its own
 * pages, so the console's record and the archive's still share one entry (`queryEventId`).
 */
export function withAddressesAsTokens(request: RecordAccessInput, blindIndex?: BlindIndexOf): RecordAccessInput {
  const filters = request.filters as Record<string, string | readonly string[]> | undefined;
  const email = filters?.[EMAIL_FILTER];
  const asToken = (value: string) => recordedActorEmail(value, blindIndex);
  const out: RecordAccessInput = { ...request };
  if (filters && email !== undefined) {
    out.filters = { ...filters, [EMAIL_FILTER]: typeof email === 'string' ? asToken(email) : email.map(asToken) };
  }
  const archived = request.archive?.request.actorEmail;
  if (request.archive && archived !== undefined) {
    out.archive = { ...request.archive, request: { ...request.archive.request, actorEmail: asToken(archived) } };
  }
  return out;
}

/** The event id of a console read's record: its query's when it reaches the archive, else its own. */
export function consoleAccessEventId(access: Pick<ConsoleAccess, 'reader' | 'tenantId' | 'request' | 'readId'>) {
  const { request } = access;
  return request.archive
    ? queryEventId(access.reader.uid, access.tenantId, request.archive.queryId, request.archive.request)
    : accessEventId(request.kind, access.reader.uid, access.readId);
}

/**
 * The envelope of one console read: a search (`audit.log.searched`: the page and its filters, not
 * the rows) or an entry opened (`audit.entry.viewed`).
 */
export function consoleAccessEvent(access: ConsoleAccess): Record<string, unknown> {
  const { request } = access;
  const search = request.kind === 'search';
  const { archive } = request;
  // A read that reaches the archive shares its entry with its archive pages (queryEventId).
  const shared = archive
    ? {
        queryId: archive.queryId,
        archive: archiveSearchFilters(archive.request),
      }
    : {};
  return {
    specVersion: '1.0',
    eventId: consoleAccessEventId(access),
    eventType: search ? LOG_SEARCHED_EVENT : ENTRY_VIEWED_EVENT,
    tenantId: access.tenantId,
    occurredAt: access.occurredAt,
    source: ACCESS_SOURCE,
    actor: readerActor(access.reader),
    resource: search
      ? { type: 'audit_log', id: access.tenantId }
      : { type: 'audit_log_entry', id: request.logId ?? '' },
    operation: 'READ',
    outcome: 'success',
    changes: {
      before: null,
      after: search
        ? {
            view: request.view,
            filters: recordedFilters(request.filters),
            ...(request.returned !== undefined ? { returned: request.returned } : {}),
            ...shared,
          }
        : { view: request.view, logId: request.logId, ...shared },
    },
  };
}
