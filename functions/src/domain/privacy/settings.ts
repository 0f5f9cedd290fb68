import { z } from 'zod';

/**
 * A tenant's personal-data setting (`privacy` in `tenants/{tenantId}`). On by default: every entry
 * stores the actor's e-mail, name, IP and user agent, and the values of the personal keys in
 * `changes` / `metadata`, encrypted under a key of the actor (crypto-shredding; docs/privacy.md),
 * so that erasing a person erases them for every tenant, including one that never opened its
 * settings. A tenant may turn it off explicitly; entries written while it was off stay in clear.
 */
export const privacySettingsSchema = z.object({
  encryptPersonalData: z.boolean('must be true or false').default(true),
  /** Key names of `changes` / `metadata` whose values are personal, beyond the built-in ones. */
  personalKeys: z
    .array(z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters'))
    .max(200, 'must list at most 200 keys')
    .default([]),
});
export type PrivacySettings = z.infer<typeof privacySettingsSchema>;
