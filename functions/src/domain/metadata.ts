import type { z } from 'zod';
import { compiledOnDemand } from './compiled';
import { actorSchema, contextSchema, type Actor } from './envelope';
import type { EntryContext } from '@audit-log/model';

/** What the transport knows about a delivery: HTTP headers, Pub/Sub attributes. */
export interface TransportContext {
  via: 'pubsub' | 'outbox' | 'http';
  /**
   * Set only by the audit system's own code paths (its commands, jobs, triggers and blocking
   * functions), never from anything a producer controls: only these may write reserved sources
   * and `audit.*` event types.
   */
  trusted?: boolean | undefined;
  /**
   * Set only by an adapter that authenticated the producer and found the backfill capability (an
   * API key with the `backfill` scope): its events may be older than `ingest.maxBackdateDays`.
   */
  backfill?: boolean | undefined;
  /** The caller's address and agent, when the caller is the actor (an end-user request). */
  callerIp?: string | undefined;
  callerUserAgent?: string | undefined;
  correlationId?: string | undefined;
  requestId?: string | undefined;
}

/** The request context of an entry (the model's `EntryContext`). */
export type EventContext = EntryContext;

// Extracted values are validated like producer input: with the envelope's own field schemas
// (the agent also non-empty, so an empty one falls through to the next candidate), compiled so
// that a valid candidate costs a generated check rather than a runtime parse.
const ipSchema = compiledOnDemand(actorSchema.shape.ip.unwrap());
const agentSchema = compiledOnDemand(actorSchema.shape.userAgent.unwrap().min(1));
const correlationIdSchema = compiledOnDemand(contextSchema.shape.correlationId.unwrap());
const requestIdSchema = compiledOnDemand(contextSchema.shape.requestId.unwrap());

/** The candidate when the schema accepts it; absent candidates, the common case, cost nothing. */
function valid<T>(schema: z.ZodType<T>, candidate: unknown): T | undefined {
  if (candidate === undefined) return undefined;
  const parsed = schema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

/** A member of a JSON object; undefined when `node` is not one. */
function member(node: unknown, key: string): unknown {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  return (node as Record<string, unknown>)[key];
}

/**
 * Fills the structured fields that producers often leave in free-form metadata or that only the
 * transport knows: the actor's IP and user agent, correlation and request ids. A producer's own
 * structured value always wins; extracted values are validated like producer input.
 */
export function extractMetadata(
  actor: Actor,
  context: EventContext | undefined,
  metadata: Record<string, unknown> | undefined,
  transport: TransportContext,
): { actor: Actor; context: EventContext | undefined } {
  // The producer's structured values passed the envelope schema already; only the fallbacks
  // (free-form metadata, what the transport says) are checked here, in order, stopping at the
  // first valid one.
  const request = member(metadata, 'request');
  const ip =
    actor.ip ??
    valid(ipSchema(), member(metadata, 'ip')) ??
    valid(ipSchema(), member(metadata, 'ipAddress')) ??
    valid(ipSchema(), member(request, 'ip')) ??
    valid(ipSchema(), transport.callerIp);
  const userAgent =
    actor.userAgent ||
    (valid(agentSchema(), member(metadata, 'userAgent')) ??
      valid(agentSchema(), member(metadata, 'user_agent')) ??
      valid(agentSchema(), member(request, 'userAgent')) ??
      valid(agentSchema(), transport.callerUserAgent));
  const correlationId =
    context?.correlationId ??
    valid(correlationIdSchema(), transport.correlationId) ??
    valid(correlationIdSchema(), member(metadata, 'correlationId'));
  const requestId =
    context?.requestId ??
    valid(requestIdSchema(), transport.requestId) ??
    valid(requestIdSchema(), member(metadata, 'requestId'));

  const enrichedActor = sortedWith(actor, { ip, userAgent }, ACTOR_KEYS);
  const enrichedContext = sortedWith(context ?? {}, { correlationId, requestId }, CONTEXT_KEYS);
  return { actor: enrichedActor, context: Object.keys(enrichedContext).length > 0 ? enrichedContext : undefined };
}

// The fields of each object in sorted order, taken from the schema: the copies below are built
// by walking these lists, instead of collecting and sorting the keys of every event.
const ACTOR_KEYS: readonly string[] = Object.keys(actorSchema.shape).sort();
const CONTEXT_KEYS: readonly string[] = Object.keys(contextSchema.shape).sort();
// Own and enumerable: exactly the keys `Object.keys` lists.
const isOwnEnumerable = (object: object, key: string): boolean =>
  Object.prototype.propertyIsEnumerable.call(object, key);

/**
 * A copy of `base` with the defined `extra` values set, keys in sorted order: the entry hash can
 * then serialize it without sorting (see `canonicalJson`). `keys` lists, sorted, every key `base`
 * and `extra` can have; a `base` with any other key takes the general path.
 */
function sortedWith<T extends object>(base: T, extra: Partial<T>, keys: readonly string[]): T {
  const from = base as Record<string, unknown>;
  const add = extra as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let taken = 0;
  for (const key of keys) {
    const value = add[key];
    const own = isOwnEnumerable(from, key);
    if (own) taken++;
    if (value !== undefined) out[key] = value;
    else if (own) out[key] = from[key];
  }
  return taken === Object.keys(from).length ? (out as T) : sortedWithAnyKeys(from, add);
}

function sortedWithAnyKeys<T>(from: Record<string, unknown>, add: Record<string, unknown>): T {
  const keys = Object.keys(from);
  for (const key in add) if (add[key] !== undefined && !(key in from)) keys.push(key);
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = add[key] !== undefined ? add[key] : from[key];
  return out as T;
}
