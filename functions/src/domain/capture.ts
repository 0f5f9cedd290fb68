import { canonicalJson, sha256Hex } from './canonical';
import { CAPTURE_VERBS, eventPrefixOf, isAuditOwnedPath, type CaptureTarget } from './capture-config';
import { changedFields } from './diff';
import { actorSchema, type Actor, type Operation } from './envelope';
import { cleanText } from './text';

/**
 * Change capture without instrumentation: one document write in a watched collection becomes
 * one audit envelope with `before`, `after` and the operation the contract's CREATE / UPDATE /
 * DELETE rules expect. The adapter converts Firestore values to JSON first.
 */

/** `source` of every captured event. */
export const CAPTURE_SOURCE = 'firestore-capture';
/** The actor when a document names nobody: the capture itself. */
export const CAPTURE_SYSTEM_ACTOR: Actor = { type: 'system', id: CAPTURE_SOURCE };

/**
 * Fields that name who wrote a document. Writers set `updatedBy` on every write (and
 * `createdBy` on create); a delete carries no data, so a writer who wants the delete attributed
 * sets `deletedBy` in an update just before deleting (a tombstone field). A value is a uid
 * string or an actor object `{ type?, id, name?, email? }`.
 */
export const ACTOR_FIELDS = {
  create: ['createdBy', 'updatedBy'],
  update: ['updatedBy'],
  delete: ['deletedBy'],
} as const;

/**
 * Serialized size above which large field values are replaced by a digest, so the envelope stays
 * under the contract's 256 KiB limit (a Firestore document may hold up to 1 MiB).
 */
export const CAPTURE_CHANGES_BUDGET = 192 * 1024;
/** A top-level value larger than this is replaced when the changes exceed the budget. */
export const CAPTURE_LARGE_VALUE = 1024;

type Json = Record<string, unknown>;

/** One document write, as the adapter reads it from the Firestore event. */
export interface CaptureInput {
  /** The Firestore (CloudEvent) event id: the same for every redelivery of this write. */
  firestoreEventId: string;
  /** Full document path, e.g. `tenants/acme/repos/r1`. */
  documentPath: string;
  /** Wildcard values of the target's pattern; `tenantId` names the tenant. */
  params: Readonly<Record<string, string>>;
  /** Commit time of the write, ISO 8601. */
  time: string;
  /** The document before and after the write, already JSON-safe; null when absent. */
  before: Json | null;
  after: Json | null;
  /**
   * Who made the write, as the platform says (`authType`/`authId` of
   * `onDocumentWrittenWithAuthContext`); absent where the platform does not say (the emulator).
   */
  auth?: WriteAuth;
}

/** The auth context of a write: `app_user`, `service_account`, `api_key`, `system`, `unauthenticated`, `unknown`. */
export interface WriteAuth {
  type: string;
  id?: string;
}

export type CaptureSkipReason = 'audit_owned_collection' | 'no_document' | 'no_change';

export type CaptureResult = { status: 'event'; envelope: Json } | { status: 'skipped'; reason: CaptureSkipReason };

/** The deterministic event id of a captured write: redeliveries of the write store once. */
export function captureEventId(firestoreEventId: string, documentPath: string): string {
  return `fs-${sha256Hex(`${firestoreEventId}\n${documentPath}`).slice(0, 40)}`;
}

type CaptureOperation = keyof typeof CAPTURE_VERBS;

function operationOf(before: Json | null, after: Json | null): CaptureOperation | null {
  if (!before && !after) return null;
  if (!before) return 'CREATE';
  if (!after) return 'DELETE';
  return 'UPDATE';
}

function actorFromValue(value: unknown): Actor | undefined {
  if (typeof value === 'string') {
    const id = cleanText(value, 256);
    return id === undefined ? undefined : { type: 'user', id };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const parsed = actorSchema.safeParse({ type: 'user', ...(value as Json) });
  return parsed.success && parsed.data.id !== undefined ? parsed.data : undefined;
}

/**
 * The actor the platform vouches for, or undefined when it names nobody usable (`unknown`, an
 * empty context, or a user type without an id): then only the document's own claim is left.
 */
export function actorFromAuth(auth: WriteAuth | undefined): Actor | undefined {
  const id = auth?.id === undefined ? undefined : cleanText(auth.id, 256);
  switch (auth?.type) {
    case 'app_user':
      return id === undefined ? undefined : { type: 'user', id };
    case 'service_account':
    case 'api_key':
      return id === undefined ? undefined : { type: 'service_account', id };
    case 'unauthenticated':
      return { type: 'anonymous' };
    case 'system':
      return CAPTURE_SYSTEM_ACTOR;
    default:
      return undefined;
  }
}

/**
 * Who made the write, by the documented field convention; the capture itself when nobody is named.
 * A document field is only a claim (any writer can put any uid there): `captureEnvelope` prefers
 * the auth context and keeps this as `claimedActor`.
 */
export function resolveCaptureActor(
  operation: Operation,
  before: Json | null,
  after: Json | null,
): { actor: Actor; actorField: string | null } {
  const [doc, fields] =
    operation === 'CREATE'
      ? [after, ACTOR_FIELDS.create]
      : operation === 'DELETE'
        ? [before, ACTOR_FIELDS.delete]
        : [after, ACTOR_FIELDS.update];
  for (const field of fields) {
    const actor = actorFromValue(doc?.[field]);
    if (actor) return { actor, actorField: field };
  }
  return { actor: CAPTURE_SYSTEM_ACTOR, actorField: null };
}

function byteLength(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).byteLength;
}

function digestLarge(doc: Json | null, omitted: Set<string>): Json | null {
  if (!doc) return doc;
  const out: Json = {};
  for (const [key, value] of Object.entries(doc)) {
    const text = canonicalJson(value);
    const size = new TextEncoder().encode(text).byteLength;
    if (size > CAPTURE_LARGE_VALUE) {
      // A digest string keeps "did it change?" answerable: equal values give equal digests.
      out[key] = `[omitted: ${size} bytes, sha256 ${sha256Hex(text)}]`;
      omitted.add(key);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * Keeps the captured documents within the envelope budget: when both sides together are too
 * large, top-level values over {@link CAPTURE_LARGE_VALUE} bytes become digests (so a change to
 * one still shows in `changedFields`, at the field's top-level name).
 */
export function fitChanges(
  before: Json | null,
  after: Json | null,
): { before: Json | null; after: Json | null; omitted: string[] } {
  if (byteLength({ before, after }) <= CAPTURE_CHANGES_BUDGET) return { before, after, omitted: [] };
  const omitted = new Set<string>();
  return { before: digestLarge(before, omitted), after: digestLarge(after, omitted), omitted: [...omitted].sort() };
}

function resourceName(before: Json | null, after: Json | null): string | undefined {
  for (const doc of [after, before]) {
    const name = cleanText(doc?.name, 256) ?? cleanText(doc?.title, 256);
    if (name !== undefined) return name;
  }
  return undefined;
}

function resourceId(documentPath: string): string {
  const id = documentPath.slice(documentPath.lastIndexOf('/') + 1);
  // Firestore ids may be up to 1,500 bytes; the envelope allows 256 characters.
  return id.length <= 256 && cleanText(id, 256) === id ? id : `sha256:${sha256Hex(id)}`;
}

/**
 * Maps one document write of a watched collection to an audit envelope. Never maps a document of
 * the audit system's own collections, whatever the configuration says; skips writes that change
 * nothing (a rewrite with equal data).
 */
export function captureEnvelope(input: CaptureInput, target: CaptureTarget): CaptureResult {
  if (isAuditOwnedPath(input.documentPath)) return { status: 'skipped', reason: 'audit_owned_collection' };
  const operation = operationOf(input.before, input.after);
  if (!operation) return { status: 'skipped', reason: 'no_document' };
  const before = operation === 'CREATE' ? null : input.before;
  const after = operation === 'DELETE' ? null : input.after;
  if (operation === 'UPDATE' && changedFields(before, after).length === 0) {
    return { status: 'skipped', reason: 'no_change' };
  }

  const claimed = resolveCaptureActor(operation, before, after);
  const verified = actorFromAuth(input.auth);
  const actor = verified ?? claimed.actor;
  const actorField = claimed.actorField;
  const fitted = fitChanges(before, after);
  const name = resourceName(before, after);
  const path = input.documentPath.length <= 1024 ? input.documentPath : undefined;
  const capture: Json = {
    target: target.name,
    documentPath: input.documentPath.slice(0, 1024),
    firestoreEventId: input.firestoreEventId.slice(0, 256),
    actorField,
    actorFrom: verified !== undefined ? 'auth_context' : actorField !== null ? 'claimed' : 'none',
  };
  if (input.auth?.type) capture.authType = input.auth.type.slice(0, 64);
  if (verified !== undefined && actorField !== null) {
    capture.claimedActor = { ...claimed.actor, claimed: true, field: actorField };
  }
  if (fitted.omitted.length > 0) capture.omittedFields = fitted.omitted;

  return {
    status: 'event',
    envelope: {
      specVersion: '1.0',
      eventId: captureEventId(input.firestoreEventId, input.documentPath),
      eventType: `${eventPrefixOf(target)}.${CAPTURE_VERBS[operation]}`,
      tenantId: input.params.tenantId ?? '',
      occurredAt: input.time,
      source: CAPTURE_SOURCE,
      actor,
      resource: {
        type: target.resourceType,
        id: resourceId(input.documentPath),
        ...(name !== undefined ? { name } : {}),
        ...(path !== undefined ? { path } : {}),
      },
      operation,
      outcome: 'success',
      changes: { before: fitted.before, after: fitted.after },
      metadata: { capture },
    },
  };
}
