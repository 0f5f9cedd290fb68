import { z } from 'zod';

/**
 * A tenant's personal-data setting (`privacy` in `tenants/{tenantId}`). Off by default: entries
 * are stored as before. On, every entry written from then on stores the actor's e-mail, name, IP
 * and user agent, and the values of the personal keys in `changes` / `metadata`, encrypted under
 * a key of the actor (crypto-shredding; docs/privacy.md). Entries written earlier stay as they are.
 */
export const privacySettingsSchema = z.object({
  encryptPersonalData: z.boolean('must be true or false').default(false),
  /** Key names of `changes` / `metadata` whose values are personal, beyond the built-in ones. */
  personalKeys: z
    .array(z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters'))
    .max(200, 'must list at most 200 keys')
    .default([]),
});
export type PrivacySettings = z.infer<typeof privacySettingsSchema>;
