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
const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(NO_CONTROL_CHARS);
const agentSchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(NO_CONTROL_CHARS);

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
  const ip = pick(
    ipSchema,
    actor.ip,
    get(metadata, 'ip'),
    get(metadata, 'ipAddress'),
    get(metadata, 'request', 'ip'),
    transport.callerIp,
  );
  const userAgent = pick(
    agentSchema,
    actor.userAgent,
    get(metadata, 'userAgent'),
    get(metadata, 'user_agent'),
    get(metadata, 'request', 'userAgent'),
    transport.callerUserAgent,
  );
  const correlationId = pick(idSchema, context?.correlationId, transport.correlationId, get(metadata, 'correlationId'));
  const requestId = pick(idSchema, context?.requestId, transport.requestId, get(metadata, 'requestId'));

  const enrichedActor: Actor = { ...actor };
  if (ip !== undefined) enrichedActor.ip = ip;
  if (userAgent !== undefined) enrichedActor.userAgent = userAgent;
  const enrichedContext: EventContext = { ...context };
  if (correlationId !== undefined) enrichedContext.correlationId = correlationId;
  if (requestId !== undefined) enrichedContext.requestId = requestId;
  return { actor: enrichedActor, context: Object.keys(enrichedContext).length > 0 ? enrichedContext : undefined };
}
