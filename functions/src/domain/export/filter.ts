import { z } from 'zod';
import { CATEGORIES, LEVELS } from '../catalog';
import { REVIEW_STATUSES } from '../classify';
import { normalizeInstant } from '../entry';
import { OPERATIONS, OUTCOMES } from '../envelope';
import {
  KEYWORD_FIELD,
  LOG_FILTER_KEYS,
  LogQueryPlanError,
  MAX_DISJUNCTIONS,
  filterConditions,
  planLogQuery,
  type LogQueryPlan,
} from '@audit-log/model/query-plan';
import { ExportError } from './errors';
import { fieldErrorsOf } from '@audit-log/model';
import { filterSummaryParts } from '@audit-log/model/filter-summary';
import { actorEmailSchema, actorEmailTokens, recordedActorEmail, type BlindIndexOf } from '../privacy/person-search';

/**
 * The console's filter model (web/src/app/logs/filters/log-filter.ts) as the export worker runs
 * it: every filter narrows (AND), list filters match any of their values, `keyword` matches one
 * lower-cased search token, and the time range is `[from, to)` in absolute instants (the console
 * resolves "last 7 days" before it asks). The tenant is not part of the filter: it always comes
 * from the caller's claims.
 */

const iso = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });
const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .array(z.enum(values, `must be one of ${values.join(', ')}`))
    .max(values.length, `must list at most ${values.length} values`)
    .transform((v) => [...new Set(v)])
    .default([]);

export const exportFilterSchema = z
  .strictObject({
    from: iso.optional(),
    to: iso.optional(),
    categories: list(CATEGORIES),
    levels: list(LEVELS),
    outcomes: list(OUTCOMES),
    operations: list(OPERATIONS),
    reviewStatuses: list(REVIEW_STATUSES),
    eventType: text(128).optional(),
    actorId: text(256).optional(),
    resourceType: text(64).optional(),
    resourceId: text(256).optional(),
    correlationId: text(128).optional(),
    keyword: text(128)
      .transform((k) => k.toLowerCase())
      .optional(),
    /** A person's address: their entries stored in clear or sealed (see person-search). */
    actorEmail: actorEmailSchema.optional(),
  })
  .refine((f) => f.resourceId === undefined || f.resourceType !== undefined, {
    message: 'needs resourceType as well',
    path: ['resourceId'],
  })
  .refine((f) => f.from === undefined || f.to === undefined || Date.parse(f.from) < Date.parse(f.to), {
    message: 'must be before to',
    path: ['from'],
  })
  // Both match search tokens, and a query holds one such condition.
  .refine((f) => f.actorEmail === undefined || f.keyword === undefined, {
    message: 'cannot be combined with keyword: both match search tokens',
    path: ['actorEmail'],
  });
export type ExportFilter = z.infer<typeof exportFilterSchema>;

/** Parses a filter; `invalid_argument` with field-level messages (paths under `filter.`) otherwise. */
export function parseExportFilter(input: unknown): ExportFilter {
  const parsed = exportFilterSchema.safeParse(input ?? {});
  if (parsed.success) {
    const f = parsed.data;
    return {
      ...f,
      ...(f.from !== undefined ? { from: normalizeInstant(f.from) } : {}),
      ...(f.to !== undefined ? { to: normalizeInstant(f.to) } : {}),
    };
  }
  throw new ExportError('invalid_argument', 'the filter breaks a rule', fieldErrorsOf(parsed.error.issues, 'filter'));
}

/** One condition of a plan; the Firestore adapter maps it one to one onto `where()`. */
export interface ExportWhere {
  field: string;
  op: '==' | 'in' | 'array-contains' | 'array-contains-any';
  value: string | boolean | readonly (string | boolean)[];
}

/** What the worker runs: always `tenantId ==`, then equality filters, newest first within `[from, to)`. */
export interface ExportQueryPlan {
  tenantId: string;
  /**
   * Set when the filter has a review status: the query runs on `audit_reviews` (where review
   * state lives; entries never change) and the worker loads the entries by id.
   */
  collection?: 'audit_reviews';
  where: ExportWhere[];
  /** Inclusive lower bound of `occurredAt` (ISO, UTC). */
  from?: string;
  /** Exclusive upper bound of `occurredAt` (ISO, UTC). */
  to?: string;
}

/** The export filter's key for each stored field, so errors point at what the caller sent. */
const KEY_OF: Readonly<Record<string, string>> = Object.fromEntries([
  ...LOG_FILTER_KEYS.map(({ key, field }) => [field, key] as const),
  ['status', 'reviewStatuses'],
  [KEYWORD_FIELD, 'keyword'],
]);

/** A planner refusal as an export error with one field error per filter involved. */
function exportErrorOf(err: LogQueryPlanError, byEmail: boolean): ExportError {
  if (err.code === 'too_many_alternatives') {
    return new ExportError('invalid_argument', 'too many alternatives', [
      {
        path: 'filter',
        message: `expands to ${err.disjunctions} alternatives; at most ${MAX_DISJUNCTIONS} are allowed`,
      },
    ]);
  }
  if (err.code === 'no_tenant') return new ExportError('permission_denied', 'the caller has no tenant');
  const keys = err.fields.map((f) => (f === KEYWORD_FIELD && byEmail ? 'actorEmail' : (KEY_OF[f] ?? f)));
  return new ExportError(
    'unsupported_filter_combination',
    `filtering by ${keys.join(' and ')} together is not supported`,
    err.fields.map((field, i) => {
      const others = keys.filter((_, j) => j !== i).join(', ');
      const hint = err.suggestions.includes(field) ? '; without it the rest can run' : '';
      return {
        path: `filter.${keys[i] ?? field}`,
        message: `cannot be combined with ${others}: no index serves this combination${hint}`,
      };
    }),
  );
}

/**
 * Plans the query of `filter` within `tenantId` with the model's planner, which derives what is
 * runnable from firestore.indexes.json. Selecting every value of a list is the same as no
 * condition and is left out (one index fewer). Throws `unsupported_filter_combination` when no
 * index serves the combination and `invalid_argument` when `in` lists multiply past 30.
 * `blindIndex` is the tenant's, so an `actorEmail` finds sealed entries too (exporters read the
 * tenant's personal data in clear); without it, only entries stored in clear.
 */
export function planExportQuery(tenantId: string, filter: ExportFilter, blindIndex?: BlindIndexOf): ExportQueryPlan {
  let plan: LogQueryPlan;
  const email = filter.actorEmail;
  const actorTokens = email !== undefined ? actorEmailTokens(email, blindIndex) : null;
  try {
    plan = planLogQuery({ tenantId, ...filterConditions({ ...filter, actorTokens }) });
  } catch (err) {
    throw err instanceof LogQueryPlanError ? exportErrorOf(err, email !== undefined) : err;
  }
  return {
    tenantId,
    ...(plan.collection === 'audit_reviews' ? { collection: plan.collection } : {}),
    // Without a range in the request the planner emits only equality and array-contains conditions.
    where: plan.where as ExportWhere[],
    ...(filter.from !== undefined ? { from: filter.from } : {}),
    ...(filter.to !== undefined ? { to: filter.to } : {}),
  };
}

/**
 * The filter as an export job and its audit entries record it: a searched address by its
 * blind-index token (see `recordedActorEmail`), so recording an export does not put the address
 * in clear into the log.
 */
export function recordedExportFilter(filter: ExportFilter, blindIndex?: BlindIndexOf): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(filter)) as Record<string, unknown>;
  if (filter.actorEmail !== undefined) copy['actorEmail'] = recordedActorEmail(filter.actorEmail, blindIndex);
  return copy;
}

/** A short human summary of a filter, for the report cover and the export list. */
export function describeExportFilter(filter: ExportFilter, blindIndex?: BlindIndexOf): string {
  const parts = filterSummaryParts(filter);
  if (filter.actorEmail !== undefined) parts.push(`person ${recordedActorEmail(filter.actorEmail, blindIndex)}`);
  if (filter.from || filter.to) parts.push(`${filter.from ?? '…'} to ${filter.to ?? 'now'}`);
  return parts.length > 0 ? parts.join(', ') : 'all entries';
}
