import { z } from 'zod';
import { NO_CONTROL_CHARS, type Actor } from './envelope';

/** What the transport knows about a delivery: HTTP headers, Pub/Sub attributes. */
export interface TransportContext {
  via: 'pubsub' | 'outbox' | 'http';
  /** The caller's address and agent, when the caller is the actor (an end-user request). */
  callerIp?: string | undefined;
  callerUserAgent?: string | undefined;
  correlationId?: string | undefined;
  requestId?: string | undefined;
}

export interface EventContext {
  correlationId?: string;
  requestId?: string;
  sessionId?: string;
}

const ipSchema = z.union([z.ipv4(), z.ipv6()]);
const idSchema = z.string().min(1).max(128).regex(NO_CONTROL_CHARS);
const agentSchema = z.string().min(1).max(1024).regex(NO_CONTROL_CHARS);

function pick<T>(schema: z.ZodType<T>, ...candidates: unknown[]): T | undefined {
  for (const candidate of candidates) {
    // Absent values are the common case; skipping them keeps zod's error building off the hot path.
    if (candidate === undefined) continue;
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

function get(record: Record<string, unknown> | undefined, ...path: string[]): unknown {
  let node: unknown = record;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
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
  // (free-form metadata, what the transport says) are checked here.
  const ip =
    actor.ip ??
    pick(ipSchema, get(metadata, 'ip'), get(metadata, 'ipAddress'), get(metadata, 'request', 'ip'), transport.callerIp);
  const userAgent =
    actor.userAgent ||
    pick(
      agentSchema,
      get(metadata, 'userAgent'),
      get(metadata, 'user_agent'),
      get(metadata, 'request', 'userAgent'),
      transport.callerUserAgent,
    );
  const correlationId =
    context?.correlationId ?? pick(idSchema, transport.correlationId, get(metadata, 'correlationId'));
  const requestId = context?.requestId ?? pick(idSchema, transport.requestId, get(metadata, 'requestId'));

  const enrichedActor = sortedWith(actor, { ip, userAgent });
  const enrichedContext = sortedWith(context ?? {}, { correlationId, requestId });
  return { actor: enrichedActor, context: Object.keys(enrichedContext).length > 0 ? enrichedContext : undefined };
}

/**
 * A copy of `base` with the defined `extra` values set, keys in sorted order: the entry hash can
 * then serialize it without sorting (see `canonicalJson`).
 */
function sortedWith<T extends object>(base: T, extra: Partial<T>): T {
  const from = base as Record<string, unknown>;
  const add = extra as Record<string, unknown>;
  const keys = Object.keys(from);
  for (const key in add) if (add[key] !== undefined && !(key in from)) keys.push(key);
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = add[key] !== undefined ? add[key] : from[key];
  return out as T;
}
