import { randomUUID } from 'node:crypto';
import {
  CATALOG_EVENT_TYPES,
  EVENT_TYPE_ALIASES,
  SPEC_VERSION,
  canonicalEventType,
  validateRawEnvelope,
  type Actor,
  type CatalogEventType,
  type Operation,
  type Outcome,
  type Resource,
  type ValidEnvelope,
} from './contract';
import { SequenceCounter } from './sequence';

/** A validated event, ready for any path: the contract's envelope with defaults applied. */
export type AuditEvent = ValidEnvelope;

type JsonObject = Record<string, unknown>;

/** What a producer states about an event; the factory fills in the rest. */
export interface EventInput {
  tenantId: string;
  actor: Actor;
  resource?: Resource;
  /** Default `success`. */
  outcome?: Outcome;
  /** Default: derived from the event type's last word, as the server does. */
  operation?: Operation;
  /** CREATE: `after` only; UPDATE: both; DELETE: `before` only (absent sides become null). */
  changes?: { before?: JsonObject | null; after?: JsonObject | null };
  metadata?: JsonObject;
  context?: { correlationId?: string; requestId?: string; sessionId?: string };
  /** Default: a random UUID. Reuse the id when retrying a business operation, so it is stored once. */
  eventId?: string;
  /** Default: the factory's clock. */
  occurredAt?: Date | string;
  /** Default: the next number of `(tenantId, source)`; `null` leaves the field out. */
  sequence?: number | null;
}

/**
 * `auth.*` events may leave out the resource; every other event must name it. A type known only
 * at run time (`string`) is checked at run time, by the schema.
 */
export type InputFor<T extends string> = string extends T
  ? EventInput
  : T extends `auth.${string}`
    ? EventInput
    : EventInput & { resource: Resource };

/** `repo.visibility_changed` → `repoVisibilityChanged`, at the type level. */
export type CamelCase<S extends string> = S extends `${infer H}.${infer T}`
  ? `${CamelCase<H>}${Capitalize<CamelCase<T>>}`
  : S extends `${infer H}_${infer T}`
    ? `${H}${Capitalize<CamelCase<T>>}`
    : S;

/** One builder per catalog event type, named in camelCase: `events.repoVisibilityChanged({...})`. */
export type CatalogBuilders = {
  readonly [K in CatalogEventType as CamelCase<K>]: (input: InputFor<K>) => AuditEvent;
} & AliasBuilders;

/** Builders under the earlier names of catalog types; they build the canonical type. */
export interface AliasBuilders {
  /** @deprecated Builds `auth.user.login`; use `authUserLogin`. */
  readonly authLogin: (input: EventInput) => AuditEvent;
  /** @deprecated Builds `auth.user.logout`; use `authUserLogout`. */
  readonly authLogout: (input: EventInput) => AuditEvent;
}

/** `repo.visibility_changed` → `repoVisibilityChanged`, at run time. */
export function builderName(eventType: string): string {
  return eventType.replace(/[._]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A permission decision of the app's authorization layer. */
export interface PermissionCheckInput extends Omit<EventInput, 'outcome' | 'operation' | 'changes'> {
  resource: Resource;
  /** The permission asked for, e.g. `repo.push`. */
  permission: string;
  allowed: boolean;
  /** Why it was denied (or allowed), for the reviewer. */
  reason?: string;
}

/** A sign-in that failed: what Auth blocking functions never see. */
export interface LoginFailedInput extends Omit<EventInput, 'actor' | 'resource' | 'outcome' | 'operation' | 'changes'> {
  /** The account the attempt named, when it exists. */
  uid?: string;
  /** The identifier typed in. */
  email?: string;
  ip?: string;
  userAgent?: string;
  /** Stable reason, e.g. `wrong_password`, `unknown_user`, `mfa_failed`, `locked_out`. */
  reason: string;
  /** Sign-in method, e.g. `password`. */
  method?: string;
}

export interface FactoryOptions {
  /** The producing module, e.g. `repo-service` (the contract's `source`). */
  source: string;
  /** Default: the system clock. */
  clock?: () => Date;
  /** Default: random UUIDs. */
  newEventId?: () => string;
  /** Default: a fresh counter starting at 0; `false` leaves `sequence` out unless given. */
  sequences?: SequenceCounter | false;
}

/**
 * Validates any envelope-shaped value exactly as the server does (same schema, same semantic
 * rules, same size limit on the same UTF-8 JSON) and returns it with defaults applied.
 * Throws the domain's `RejectionError` with field-level errors.
 */
export function validateEvent(value: unknown, now: Date = new Date()): AuditEvent {
  return validateRawEnvelope(Buffer.from(JSON.stringify(value) ?? 'null', 'utf8'), now);
}

/** Builds validated envelopes for one producing module. */
export class EventFactory {
  readonly source: string;
  /** Typed builders for every event type of the catalog. */
  readonly events: CatalogBuilders;
  private readonly clock: () => Date;
  private readonly newEventId: () => string;
  private readonly sequences: SequenceCounter | false;

  constructor(options: FactoryOptions) {
    this.source = options.source;
    this.clock = options.clock ?? (() => new Date());
    this.newEventId = options.newEventId ?? randomUUID;
    this.sequences = options.sequences ?? new SequenceCounter();
    const builders: Record<string, (input: EventInput) => AuditEvent> = {};
    for (const type of CATALOG_EVENT_TYPES) {
      builders[builderName(type)] = (input) => this.build(type, input);
    }
    for (const [alias, type] of Object.entries(EVENT_TYPE_ALIASES)) {
      builders[builderName(alias)] = (input) => this.build(type, input);
    }
    this.events = Object.freeze(builders) as unknown as CatalogBuilders;
  }

  /**
   * Builds and validates an event of any type, in the catalog or not (`permission.*`,
   * `security.*`, your own `billing.invoice_paid`). An earlier name of a catalog type
   * (`auth.login`) builds the canonical type (`auth.user.login`), as the server would store it.
   * Throws `RejectionError` on invalid input, before a sequence number is used up.
   */
  build<T extends string>(eventType: T, input: InputFor<T>): AuditEvent {
    const now = this.clock();
    const { sequence, occurredAt, eventId, changes, ...rest }: EventInput = input;
    const draft = {
      specVersion: SPEC_VERSION,
      eventId: eventId ?? this.newEventId(),
      eventType: canonicalEventType(eventType),
      source: this.source,
      occurredAt: occurredAt === undefined ? now.toISOString() : new Date(occurredAt).toISOString(),
      ...rest,
      ...(changes ? { changes: { before: changes.before ?? null, after: changes.after ?? null } } : {}),
    };
    // Validate first, so an invalid event does not leave a gap in the sequence.
    const event = validateEvent(draft, now);
    if (sequence === null) return event;
    if (sequence !== undefined) return validateEvent({ ...event, sequence }, now);
    if (!this.sequences) return event;
    return { ...event, sequence: this.sequences.take(event.tenantId, event.source) };
  }

  /** `permission.check.allowed` or `permission.check.denied` (outcome `denied`). */
  permissionCheck(input: PermissionCheckInput): AuditEvent {
    const { permission, allowed, reason, metadata, ...rest } = input;
    return this.build(allowed ? 'permission.check.allowed' : 'permission.check.denied', {
      ...rest,
      outcome: allowed ? 'success' : 'denied',
      metadata: { ...metadata, permission, ...(reason !== undefined ? { reason } : {}) },
    });
  }

  /**
   * `auth.login.failed` (outcome `failure`). The actor is the named account when it exists,
   * otherwise anonymous: an unauthenticated caller cannot be credited with an identity.
   */
  loginFailed(input: LoginFailedInput): AuditEvent {
    const { uid, email, ip, userAgent, reason, method, metadata, ...rest } = input;
    const actor: Actor = { type: uid === undefined ? 'anonymous' : 'user', id: uid, email, ip, userAgent };
    return this.build('auth.login.failed', {
      ...rest,
      actor,
      outcome: 'failure',
      metadata: { ...metadata, reason, ...(method !== undefined ? { method } : {}) },
    });
  }
}
