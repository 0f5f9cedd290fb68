import { z } from 'zod';
import { normaliseEmail } from './keys';

/**
 * Search by a person's e-mail (`actorEmail` in the console, exports and cold search,
 * `actor_email` in `GET /v1/events`). An entry stored in clear carries the lower-cased address
 * among its `searchTokens`; a sealed entry carries only the tenant's blind-index token
 * (`pii:…`, see `KeyEncryptionKey.blindIndex`). A search matches either, so it finds the
 * person's entries written before, during and after sealing alike. Only the server computes the
 * blind token: it needs the key-encryption key, and it is the token of one tenant.
 */

/** Longest address accepted (RFC 5321's path limit). */
export const MAX_EMAIL_LENGTH = 254;

/**
 * An address as a filter value: trimmed, one `@` between non-empty parts, no spaces. A field
 * error names what is wrong; nothing is guessed or rewritten beyond trimming and lower-casing.
 */
export const actorEmailSchema = z
  .string('must be an e-mail address')
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters`)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an e-mail address (name@domain)')
  .transform(normaliseEmail);

/** Computes a tenant's blind-index token of an address; absent where no KEK is configured. */
export type BlindIndexOf = (email: string) => string;

/**
 * The search tokens of a person's address in one tenant: the lower-cased address (entries stored
 * in clear) and, when a blind index is at hand, its token (sealed entries). Without a KEK no entry
 * can have been sealed (ingest retries a sealing tenant's events rather than storing them), so
 * the clear token alone finds everything there is.
 */
export function actorEmailTokens(email: string, blindIndex?: BlindIndexOf): string[] {
  const clear = normaliseEmail(email);
  return blindIndex ? [clear, blindIndex(clear)] : [clear];
}

/**
 * How a search by address is recorded (read audits, export jobs): by its blind-index token, the
 * form sealed entries already store, so that recording a search does not put a clear address
 * into the log beyond where the tenant's entries already hold it. Without a KEK, the address.
 */
export function recordedActorEmail(email: string, blindIndex?: BlindIndexOf): string {
  return blindIndex ? blindIndex(email) : normaliseEmail(email);
}

/** `personSearchTokens`: the address a console reader searches the log by. */
export const personSearchTokensInputSchema = z.strictObject({ actorEmail: actorEmailSchema });
