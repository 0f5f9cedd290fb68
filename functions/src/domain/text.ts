import { z } from 'zod';

/**
 * Helpers that turn values the audit system did not write itself (document fields, identity
 * provider data, request headers) into values the envelope schema accepts, so a stray control
 * character or an oversized name never costs the whole event.
 */

// Matching control characters is the point of this pattern.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]+/g;

/** A string with control characters replaced by spaces, trimmed and cut to `max` characters; else undefined. */
export function cleanText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const cleaned = value.replace(CONTROL_CHARS, ' ').trim().slice(0, max);
  return cleaned.length > 0 ? cleaned : undefined;
}

const ipSchema = z.union([z.ipv4(), z.ipv6()]);
const emailSchema = z.email().max(320);

/** The value when it is an IPv4 or IPv6 address the envelope accepts; else undefined. */
export function validIp(value: unknown): string | undefined {
  const parsed = ipSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The value when it is an email address the envelope accepts; else undefined. */
export function validEmail(value: unknown): string | undefined {
  const parsed = emailSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Tenant ids of the contract: 1-128 characters of A-Z, a-z, 0-9, _ or -. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** The value when it is a valid tenant id; else undefined. */
export function validTenantId(value: unknown): string | undefined {
  return typeof value === 'string' && TENANT_ID_PATTERN.test(value) ? value : undefined;
}
