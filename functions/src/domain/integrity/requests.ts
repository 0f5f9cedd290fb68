import { z } from 'zod';

const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a tenant id');

/** `runCheckpoints` callable: a tenant admin runs it for their tenant; a platform admin may name one or none (all). */
export const runCheckpointsRequestSchema = z.strictObject({ tenantId: tenantId.optional() });
