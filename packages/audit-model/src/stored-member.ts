import * as z from 'zod/mini';
import { storedConverter } from './stored-document';

/**
 * `tenants/{tenantId}/members/{uid}`: the tenant's member directory (contract.md). Alerts find
 * their recipients by `role` here and confirm each against the user's custom claims, which are
 * what the rules trust; the directory itself grants nothing.
 */

/** The roles of the contract (custom claim `role`). */
export const MEMBER_ROLES = ['admin', 'auditor', 'reviewer', 'compliance', 'member'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/**
 * A member document. Loose: the product's organization module keeps its own fields here
 * (`displayName`, `joinedAt`, ...), which the audit system neither needs nor checks.
 */
export const memberDocSchema = z.looseObject({
  role: z.enum(MEMBER_ROLES),
  uid: z.optional(z.string()),
  email: z.optional(z.string()),
});
export type MemberDoc = z.infer<typeof memberDocSchema>;

/** Converter of `tenants/{tenantId}/members` for `withConverter` of either SDK. */
export const memberConverter = storedConverter(memberDocSchema);
