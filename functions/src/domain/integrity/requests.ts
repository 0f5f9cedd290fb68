import { z } from 'zod';

const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a tenant id');

/** `runCheckpoints` callable: a tenant admin runs it for their tenant; a platform admin may name one or none (all). */
export const runCheckpointsRequestSchema = z.strictObject({ tenantId: tenantId.optional() });

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD');

/** `runIntegrityCheck` callable: scoped like `runCheckpoints`; days inclusive (UTC). */
export const runIntegrityCheckRequestSchema = z.strictObject({
  tenantId: tenantId.optional(),
  from: day.optional(),
  to: day.optional(),
});
