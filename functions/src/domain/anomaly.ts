import { z } from 'zod';
import { sha256Hex } from './canonical';
import type { Actor, Resource } from './envelope';
import { issueLines } from '@audit-log/model';

/**
 * The repeated-denials rule: N `permission.check.denied` events by the same actor on the same
 * resource within one window raise exactly one CRITICAL SECURITY event per window.
 *
 * Windows are tumbling and aligned to the Unix epoch by event time (`occurredAt`), so every
 * instance, every redelivery and every replay puts a denial in the same window whatever order
 * denials arrive in. A burst that straddles a boundary is counted in two windows.
 */

export const DENIED_EVENT_TYPE = 'permission.check.denied';
export const ANOMALY_EVENT_TYPE = 'security.anomaly.repeated_denials';
/** `source` of the anomaly events. */
export const ANOMALY_SOURCE = 'anomaly-detector';

/** Per-tenant setting `tenants/{tenantId}.anomaly`; every field has a default. */
export const anomalySettingsSchema = z.object({
  enabled: z.boolean('must be true or false').default(true),
  deniedThreshold: z
    .number('must be a number')
    .int('must be an integer')
    .min(2, 'must be at least 2')
    .max(1000, 'must be at most 1000')
    .default(5),
  windowSeconds: z
    .number('must be a number')
    .int('must be an integer')
    .min(10, 'must be at least 10')
    .max(86_400, 'must be at most 86400 (one day)')
    .default(300),
});
export type AnomalySettings = z.infer<typeof anomalySettingsSchema>;
export const DEFAULT_ANOMALY_SETTINGS: AnomalySettings = anomalySettingsSchema.parse({});

/**
 * Reads the `anomaly` field of a tenant document. A malformed setting falls back to the
 * defaults (the rule keeps protecting the tenant) and reports the problems for the log.
 */
export function readAnomalySettings(tenantDoc: unknown): { settings: AnomalySettings; problems: string[] } {
  const raw =
    tenantDoc !== null && typeof tenantDoc === 'object' ? (tenantDoc as Record<string, unknown>).anomaly : undefined;
  const result = anomalySettingsSchema.safeParse(raw ?? {});
  if (result.success) return { settings: result.data, problems: [] };
  return {
    settings: DEFAULT_ANOMALY_SETTINGS,
    problems: issueLines(result.error.issues, 'anomaly'),
  };
}

/** One stored denial, as far as the rule needs it. */
export interface Denial {
  logId: string;
  tenantId: string;
  /** ISO 8601. */
  occurredAt: string;
  actor: Actor;
  resource: Resource;
}

/** A stored entry, with `occurredAt` already an ISO string. */
export interface StoredEntryView {
  tenantId?: unknown;
  eventType?: unknown;
  occurredAt?: unknown;
  actor?: unknown;
  resource?: unknown;
}

/**
 * The denial an audit entry records, or null when the entry is not a countable denial (another
 * event type, or a denial without a resource to count it against).
 */
export function denialFromEntry(logId: string, entry: StoredEntryView): Denial | null {
  if (entry.eventType !== DENIED_EVENT_TYPE) return null;
  const { tenantId, occurredAt, actor, resource } = entry;
  if (typeof tenantId !== 'string' || typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt))) {
    return null;
  }
  if (actor === null || typeof actor !== 'object' || typeof (actor as Actor).type !== 'string') return null;
  if (resource === null || typeof resource !== 'object') return null;
  const { type, id, name, path } = resource as Resource;
  if (typeof type !== 'string' || typeof id !== 'string') return null;
  const res: Resource = { type, id };
  if (typeof name === 'string') res.name = name;
  if (typeof path === 'string') res.path = path;
  return { logId, tenantId, occurredAt, actor: actor as Actor, resource: res };
}

function actorKey(actor: Actor): string | undefined {
  if (actor.id !== undefined) return `${actor.type}:${actor.id}`;
  return actor.ip !== undefined ? `${actor.type}@${actor.ip}` : undefined;
}

/** The window of a denial: `[start, end)` in epoch milliseconds. */
export function windowOf(occurredAtMs: number, windowSeconds: number): { start: number; end: number } {
  const size = windowSeconds * 1000;
  const start = Math.floor(occurredAtMs / size) * size;
  return { start, end: start + size };
}

export interface WindowKey {
  /** Counter document id and the anomaly's event id suffix: hash of tenant, actor, resource, window. */
  id: string;
  start: number;
  end: number;
  windowSeconds: number;
}

/**
 * The counting window of a denial, or null when the denial names no one to count against
 * (an anonymous actor without an address).
 */
export function windowKeyOf(denial: Denial, settings: AnomalySettings): WindowKey | null {
  const who = actorKey(denial.actor);
  if (who === undefined) return null;
  const { start, end } = windowOf(Date.parse(denial.occurredAt), settings.windowSeconds);
  const id = sha256Hex(
    [denial.tenantId, who, `${denial.resource.type}:${denial.resource.id}`, settings.windowSeconds, start].join('\n'),
  ).slice(0, 40);
  return { id, start, end, windowSeconds: settings.windowSeconds };
}

/** The counter of one window, as stored in `audit_anomaly_windows/{id}`. */
export interface WindowState {
  tenantId: string;
  actor: Actor;
  resource: Resource;
  windowStart: string;
  windowEnd: string;
  windowSeconds: number;
  /** The threshold when the window opened; a later settings change applies to later windows. */
  threshold: number;
  /** The first `threshold` denials, in arrival order; the last one crossed the threshold. */
  logIds: string[];
  /** Every denial seen (a redelivery of a denial past the threshold may count twice). */
  count: number;
}

export interface DenialDecision {
  state: WindowState;
  /** The state changed and must be written. */
  changed: boolean;
  /** This denial crossed the threshold: emit the anomaly (again, on a redelivery; it stores once). */
  emit: boolean;
}

/**
 * Counts one denial in its window. Idempotent per denial up to the threshold: a redelivered
 * denial is recognized by its log id, and the one that crossed the threshold asks for the
 * anomaly again, so an emission lost to a crash is repeated while a duplicate is impossible
 * (the anomaly's event id is fixed by the window).
 */
export function recordDenial(
  state: WindowState | null,
  denial: Denial,
  key: WindowKey,
  settings: AnomalySettings,
): DenialDecision {
  const current: WindowState = state ?? {
    tenantId: denial.tenantId,
    actor: denial.actor,
    resource: denial.resource,
    windowStart: new Date(key.start).toISOString(),
    windowEnd: new Date(key.end).toISOString(),
    windowSeconds: key.windowSeconds,
    threshold: settings.deniedThreshold,
    logIds: [],
    count: 0,
  };
  const index = current.logIds.indexOf(denial.logId);
  if (index >= 0) return { state: current, changed: false, emit: index === current.threshold - 1 };
  if (current.logIds.length < current.threshold) {
    const logIds = [...current.logIds, denial.logId];
    const next = { ...current, logIds, count: current.count + 1 };
    return { state: next, changed: true, emit: logIds.length === current.threshold };
  }
  return { state: { ...current, count: current.count + 1 }, changed: true, emit: false };
}

/** The event id of a window's anomaly: one per tenant, actor, resource and window. */
export function anomalyEventId(key: WindowKey): string {
  return `repeated-denials-${key.id}`;
}

/**
 * The CRITICAL SECURITY event of a window that reached its threshold. Built from the stored
 * window and the denial that crossed it only, so every emission of one window is identical.
 */
export function anomalyEnvelope(state: WindowState, crossing: Denial, key: WindowKey): Record<string, unknown> {
  const actor: Actor = { type: state.actor.type };
  if (state.actor.id !== undefined) actor.id = state.actor.id;
  if (state.actor.name !== undefined) actor.name = state.actor.name;
  if (state.actor.ip !== undefined) actor.ip = state.actor.ip;
  return {
    specVersion: '1.0',
    eventId: anomalyEventId(key),
    eventType: ANOMALY_EVENT_TYPE,
    tenantId: state.tenantId,
    occurredAt: crossing.occurredAt,
    source: ANOMALY_SOURCE,
    actor,
    resource: state.resource,
    operation: 'EXECUTE',
    outcome: 'success',
    metadata: {
      rule: 'repeated_denials',
      threshold: state.threshold,
      windowSeconds: state.windowSeconds,
      windowStart: state.windowStart,
      windowEnd: state.windowEnd,
      deniedLogIds: state.logIds,
    },
  };
}
