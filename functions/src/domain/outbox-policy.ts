import { z } from 'zod';
import { sha256Hex } from './canonical';
import type { FieldError } from './errors';
import { issueLines } from '@audit-log/model';

/**
 * What a client may put in the transactional outbox. Any signed-in member of a tenant can write
 * `audit_outbox` (the rules fix tenant and actor), so without limits a member could mint
 * CRITICAL SECURITY entries at will and flood the review queue, alerts, mail and webhooks. The
 * outbox is the channel of an application's own business events; security-relevant families
 * come from the systems that observe them (Pub/Sub, the HTTP API, the auth and capture triggers).
 */

/**
 * Event families (the first segment of `eventType`) that no client may write to the outbox:
 * firestore.rules refuses them (a unit test keeps the two lists equal). Server producers, which
 * write with the Admin SDK and so bypass the rules, are trusted like Pub/Sub publishers: the
 * transactional outbox is where a module records a role change in the same transaction as the
 * change itself, so the trigger does not refuse these families to them.
 */
export const OUTBOX_RESTRICTED_FAMILIES = ['security', 'compliance', 'permission', 'auth', 'config', 'audit'] as const;

/** Actor details a client states about itself that nothing on the outbox path verifies. */
export const ASSERTED_ACTOR_FIELDS = ['ip', 'name', 'roles', 'userAgent'] as const;

const familySchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be an event family such as "repo"');

/**
 * The tenant document's `outbox` settings. Both have defaults, so a bare tenant document gets
 * the safe behaviour: every family (clients are kept from the restricted ones by the rules), and
 * at most 120 events per user per minute.
 */
export const outboxPolicySchema = z.object({
  /** When set, the only families the outbox accepts, from clients and server producers alike. */
  allowedFamilies: z.array(familySchema).max(200).optional(),
  /** Events one user may write through the outbox per fixed window; the excess is dead-lettered. */
  userRateLimit: z
    .object({
      events: z.number().int().min(1).max(100_000).default(120),
      windowSeconds: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 3600)
        .default(60),
    })
    .default({ events: 120, windowSeconds: 60 }),
});
export type OutboxPolicy = z.infer<typeof outboxPolicySchema>;

export const DEFAULT_OUTBOX_POLICY: OutboxPolicy = outboxPolicySchema.parse({});

/**
 * The outbox policy of a tenant document. A malformed value falls back to the default (which
 * never admits more than the safe default) and reports the problems for the operator's log.
 */
export function readOutboxPolicy(tenantDoc: unknown): { policy: OutboxPolicy; problems: string[] } {
  const raw = (tenantDoc as { outbox?: unknown } | null | undefined)?.outbox;
  const result = outboxPolicySchema.safeParse(raw ?? {});
  if (result.success) return { policy: result.data, problems: [] };
  return {
    policy: DEFAULT_OUTBOX_POLICY,
    problems: issueLines(result.error.issues, 'outbox'),
  };
}

/** The family of an event type: `repo` of `repo.visibility_changed`. */
export function familyOf(eventType: string): string {
  const dot = eventType.indexOf('.');
  return dot < 0 ? eventType : eventType.slice(0, dot);
}

/** Why the outbox refuses this event type (empty when it accepts it). */
export function outboxFamilyErrors(eventType: unknown, policy: OutboxPolicy): FieldError[] {
  // A missing or malformed type is left to envelope validation, which names the problem.
  if (typeof eventType !== 'string') return [];
  const family = familyOf(eventType.toLowerCase());
  if (policy.allowedFamilies && !policy.allowedFamilies.includes(family)) {
    return [{ path: 'eventType', message: `the tenant does not accept the "${family}" family through the outbox` }];
  }
  return [];
}

/** The uid the per-user bound counts against: a user actor's id, else none (not a client's event). */
export function outboxUserOf(value: unknown): string | null {
  const actor = (value as { actor?: unknown } | null)?.actor as { type?: unknown; id?: unknown } | undefined;
  return actor?.type === 'user' && typeof actor.id === 'string' && actor.id.length > 0 ? actor.id : null;
}

/** The fixed window of the per-user bound that holds an outbox document written at `writtenAtMs`. */
export function outboxWindowOf(writtenAtMs: number, policy: OutboxPolicy): { index: number; endMs: number } {
  const windowMs = policy.userRateLimit.windowSeconds * 1000;
  const index = Math.floor(writtenAtMs / windowMs);
  return { index, endMs: (index + 1) * windowMs };
}

/**
 * The document id under which one user's tickets of one window are kept. Hashed, so any uid is
 * a safe id and the id reveals nothing.
 */
export function outboxQuotaKey(tenantId: string, uid: string, windowSeconds: number, index: number): string {
  return sha256Hex(`${tenantId}\n${uid}\n${windowSeconds}\n${index}`).slice(0, 40);
}

/**
 * Each processed outbox event of a user holds one ticket in its window, ordered by when the
 * ticket was committed. The first `events` tickets are admitted; any later one is refused. A
 * ticket's rank never changes once written (every earlier ticket is already committed), so a
 * redelivery decides the same way.
 */
export function admittedByRank(rank: number, policy: OutboxPolicy): boolean {
  return rank < policy.userRateLimit.events;
}

/**
 * A copy of the outbox value whose `metadata.asserted` lists the actor details the client stated
 * and nobody verified (sorted). The list is always the system's: a client-written
 * `metadata.asserted` is replaced, so nobody can claim that asserted details were verified. An
 * e-mail needs no mark: the rules admit it only when the caller's token has it verified.
 */
export function markAssertedActorDetails(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const envelope = value as Record<string, unknown>;
  const actor = envelope.actor;
  const stated =
    actor !== null && typeof actor === 'object' && !Array.isArray(actor)
      ? ASSERTED_ACTOR_FIELDS.filter((f) => (actor as Record<string, unknown>)[f] !== undefined)
      : [];
  const metadata = envelope.metadata;
  const hasMetadata = metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata);
  if (stated.length === 0 && !(hasMetadata && 'asserted' in metadata)) return value;
  const rest: Record<string, unknown> = hasMetadata ? { ...(metadata as Record<string, unknown>) } : {};
  delete rest.asserted;
  if (stated.length === 0) return { ...envelope, metadata: rest };
  return { ...envelope, metadata: { ...rest, asserted: [...stated] } };
}
