import { z } from 'zod';
import { isIsoDate } from '../archive';
import { MAX_RUN_DAYS } from './plan';

const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a tenant id');
const date = z.string().refine(isIsoDate, 'must be a YYYY-MM-DD date');

/**
 * `runRollups` callable: a tenant admin runs it for their tenant, a platform admin may name one or
 * none (all). `from`/`to` choose the days (default: the tenant's warm window up to today).
 */
export const runRollupsRequestSchema = z
  .strictObject({ tenantId: tenantId.optional(), from: date.optional(), to: date.optional() })
  .superRefine((r, ctx) => {
    if (r.from === undefined || r.to === undefined) return;
    if (r.from > r.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
    const span = (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000 + 1;
    if (span > MAX_RUN_DAYS)
      ctx.addIssue({ code: 'custom', path: ['from'], message: `must be at most ${MAX_RUN_DAYS} days before to` });
  });
export type RunRollupsRequest = z.infer<typeof runRollupsRequestSchema>;
