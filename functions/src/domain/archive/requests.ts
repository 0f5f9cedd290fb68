import { z } from 'zod';
import { ArchiveError } from './errors';
import { isIsoDate } from './layout';
import { fieldErrorsOf } from '@audit-log/model';

const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a tenant id');

/** `runTiering` callable: a tenant admin runs it for their tenant; a platform admin may name one or none (all). */
export const runTieringRequestSchema = z.strictObject({ tenantId: tenantId.optional() });

/** `restoreArchiveDay` callable: one day of the caller's tenant. */
export const restoreRequestSchema = z.strictObject({
  date: z.string().refine(isIsoDate, 'must be a YYYY-MM-DD date'),
  holdDays: z.number().int().min(1, 'must be at least 1').max(365, 'must be at most 365').optional(),
});

/** `runArchivePurge` callable: platform admins only; optionally limited to one tenant. */
export const runPurgeRequestSchema = z.strictObject({ tenantId: tenantId.optional() });

/** Parses callable data with a schema; `invalid_argument` with field-level messages on failure. */
export function parseRequest<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const errors = fieldErrorsOf(parsed.error.issues);
  throw new ArchiveError('invalid_argument', 'invalid request', errors);
}
