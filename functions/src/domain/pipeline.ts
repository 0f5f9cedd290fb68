import { canonicalEventType } from './catalog';
import { classify } from './classify';
import { changedFields } from './diff';
import { entryHash, normalizeInstant, type AuditEntry } from './entry';
import { RejectionError, type FieldError, type RejectionReason } from './errors';
import { logIdFor } from './ids';
import { backdatingErrors } from './backdating';
import { extractMetadata, type TransportContext } from './metadata';
import { Redactor } from './redact';
import { personalKeySet, sealActor, sealObject, subjectOf, type PersonalDataSeal } from './privacy/personal-fields';
import type { DataKey } from './privacy/ciphertext';
import { reservedNameErrors } from './reserved-sources';
import type { TenantSettings } from './tenant';
import { sortStrings } from './sort';
import { AUDIT_LOGS_COLLECTION, FIRESTORE_LIMITS, unstorableErrors } from './storable';
import { searchTokens } from './tokens';
import { validateEnvelope, validateRawEnvelope, type ValidEnvelope } from './validate';

/** What the pipeline needs from the outside world; injected so the domain stays pure. */
export interface PipelineDeps {
  now(): Date;
  /** The tenant's settings, or null when the tenant does not exist. */
  tenantSettings(tenantId: string): Promise<TenantSettings | null>;
  /**
   * Personal-data keys, needed only for tenants with `privacy.encryptPersonalData`: the subject's
   * current data key (created on first use) and the tenant's blind index of an e-mail.
   */
  personalData?: PersonalDataKeys;
}

/** Where the pipeline gets a data subject's key and a tenant's blind index (see domain/privacy). */
export interface PersonalDataKeys {
  dataKey(tenantId: string, subject: string): Promise<DataKey>;
  blindIndex(tenantId: string, email: string): string;
}

export type PreparedEvent =
  | { status: 'accepted'; entry: AuditEntry }
  | {
      status: 'rejected';
      reason: RejectionReason;
      message: string;
      errors: readonly FieldError[];
      tenantId?: string;
      eventId?: string;
    };

/** Raw input: bytes from Pub/Sub or HTTP, or an already-parsed object from an outbox document. */
export type RawEvent = { bytes: Uint8Array } | { value: unknown };

/**
 * Turns a validated envelope into a stored entry: metadata extraction, classification with the
 * tenant's overrides, changed fields (before redaction, so a changed password still shows as
 * changed), redaction, sealing of personal data (after redaction and before the hash, so the hash
 * covers the ciphertext and verifying needs no key), keyword tokens (a sealed entry's e-mail and
 * name are searchable only by their blind index) and the hash. Pure and synchronous. A tenant that
 * seals (the default) requires `seal`: without it this throws rather than build clear text.
 *
 * Every object of the hashed part is built with its keys in canonical (sorted) order, so the
 * hash serializes the entry natively instead of sorting it again (see `canonicalJson`).
 */
export function buildEntry(
  envelope: ValidEnvelope,
  settings: TenantSettings,
  transport: TransportContext,
  seal?: PersonalDataSeal,
): AuditEntry {
  // Never a silent clear-text entry for a tenant that seals (the default): its caller must bring
  // the actor's key, or turn the tenant's setting off knowingly.
  if (settings.privacy.encryptPersonalData && !seal) {
    throw new Error(`tenant "${envelope.tenantId}" encrypts personal data: building its entry needs the actor's seal`);
  }
  const { actor: clearActor, context } = extractMetadata(
    envelope.actor,
    envelope.context,
    envelope.metadata,
    transport,
  );
  const source = envelope.changes;
  const fields = source ? changedFields(source.before, source.after, FIRESTORE_LIMITS.documentBytes) : [];
  const classification = classify(
    {
      eventType: envelope.eventType,
      outcome: envelope.outcome,
      operation: envelope.operation,
      changes: source,
      metadata: envelope.metadata,
      resourceType: envelope.resource?.type,
      changedFields: fields,
    },
    settings.classification,
  );

  const redactor = new Redactor(settings.redaction);
  let before = source && (redactor.redact(source.before, 'changes.before') as Record<string, unknown> | null);
  let after = source && (redactor.redact(source.after, 'changes.after') as Record<string, unknown> | null);
  let metadata = envelope.metadata && (redactor.redact(envelope.metadata, 'metadata') as Record<string, unknown>);
  let actor = clearActor;
  let blindTokens: string[] = [];
  if (seal) {
    ({ actor, blindTokens } = sealActor(clearActor, seal));
    before = sealObject(before, seal);
    after = sealObject(after, seal);
    metadata = sealObject(metadata, seal);
  }

  const entry: AuditEntry = {
    logId: logIdFor(envelope.tenantId, envelope.source, envelope.eventId),
    specVersion: envelope.specVersion,
    eventId: envelope.eventId,
    eventType: envelope.eventType,
    tenantId: envelope.tenantId,
    occurredAt: NORMALIZED_INSTANT.test(envelope.occurredAt)
      ? envelope.occurredAt
      : normalizeInstant(envelope.occurredAt),
    source: envelope.source,
    actor,
    operation: envelope.operation,
    outcome: envelope.outcome,
    category: classification.category,
    level: classification.level,
    requiresReview: classification.requiresReview,
    changedFields: fields,
    redactions: redactor.paths,
    searchTokens: searchTokens({
      eventType: envelope.eventType,
      source: envelope.source,
      outcome: envelope.outcome,
      // A sealed actor's e-mail and name never reach the index in clear: the blind token does.
      actor: seal ? { type: actor.type, ...(actor.id !== undefined ? { id: actor.id } : {}) } : actor,
      resource: envelope.resource,
      context,
    }).concat(blindTokens),
    hash: '',
  };
  // Optional fields are left out rather than set to undefined: Firestore refuses undefined.
  if (envelope.sequence !== undefined) entry.sequence = envelope.sequence;
  if (envelope.resource) entry.resource = sortedCopy(envelope.resource);
  if (source) entry.changes = { after: after ?? null, before: before ?? null };
  if (metadata) entry.metadata = metadata;
  if (context) entry.context = context;
  entry.hash = entryHash(entry);
  return entry;
}

// Most producers send UTC with milliseconds already. The envelope schema admits only real
// calendar dates and times, so such an instant would come back unchanged from a parse and format.
const NORMALIZED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The value itself when its keys are in sorted order, else a shallow copy that is. */
function sortedCopy<T extends object>(value: T): T {
  const keys = Object.keys(value);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1]! < keys[i]!;
  if (sorted) return value;
  const out: Record<string, unknown> = {};
  for (const key of sortStrings(keys)) out[key] = (value as Record<string, unknown>)[key];
  return out as T;
}

function rejected(err: RejectionError, value?: unknown): PreparedEvent {
  const known = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const tenantId = typeof known.tenantId === 'string' ? known.tenantId.slice(0, 128) : undefined;
  const eventId = typeof known.eventId === 'string' ? known.eventId.slice(0, 128) : undefined;
  return {
    status: 'rejected',
    reason: err.reason,
    message: err.message,
    errors: err.errors,
    ...(tenantId !== undefined ? { tenantId } : {}),
    ...(eventId !== undefined ? { eventId } : {}),
  };
}

/**
 * The collector: validates raw input, checks the tenant and builds the entry. Every permanent
 * problem becomes a `rejected` result with a reason and field errors; only transient failures of
 * the injected dependencies throw (so the trigger is retried).
 */
export async function prepareEvent(
  raw: RawEvent,
  transport: TransportContext,
  deps: PipelineDeps,
): Promise<PreparedEvent> {
  let envelope: ValidEnvelope;
  let parsed: unknown;
  try {
    if ('bytes' in raw) {
      envelope = validateRawEnvelope(raw.bytes, deps.now());
    } else {
      parsed = raw.value;
      envelope = validateEnvelope(raw.value, deps.now());
    }
  } catch (err) {
    if (err instanceof RejectionError) return rejected(err, parsed ?? tryParse(raw));
    throw err;
  }
  envelope = withCanonicalEventType(envelope);
  if (!transport.trusted) {
    const reserved = reservedNameErrors(envelope);
    if (reserved.length > 0) {
      return rejected(
        new RejectionError(
          'system_reserved',
          'the event claims a source or type reserved for the audit system',
          reserved,
        ),
        envelope,
      );
    }
  }
  const settings = await deps.tenantSettings(envelope.tenantId);
  if (!settings) {
    return rejected(
      new RejectionError('unknown_tenant', `tenant "${envelope.tenantId}" does not exist`, [
        { path: 'tenantId', message: 'must name an existing tenant' },
      ]),
      envelope,
    );
  }
  const allowed = settings.ingest.pubsubSources;
  if (transport.via === 'pubsub' && !transport.trusted && allowed.length > 0 && !allowed.includes(envelope.source)) {
    return rejected(
      new RejectionError(
        'source_not_allowed',
        `tenant "${envelope.tenantId}" does not accept this source over Pub/Sub`,
        [
          {
            path: 'source',
            message: `must be one of the tenant's Pub/Sub sources: ${allowed.slice(0, 20).join(', ')}`,
          },
        ],
      ),
      envelope,
    );
  }
  const backdated = backdatingErrors(envelope.occurredAt, deps.now(), settings, transport, envelope.source);
  if (backdated.length > 0) {
    return rejected(
      new RejectionError(
        'backdated',
        'the event claims to have occurred earlier than its producer may write',
        backdated,
      ),
      envelope,
    );
  }
  const seal = settings.privacy.encryptPersonalData ? await sealFor(envelope, settings, deps) : undefined;
  let entry: AuditEntry;
  try {
    entry = buildEntry(envelope, settings, transport, seal);
  } catch (err) {
    if (err instanceof RejectionError) return rejected(err, envelope);
    throw err;
  }
  // Refused here, not by the store: a write Firestore rejects would fail on every redelivery.
  const unstorable = unstorableErrors(entry, AUDIT_LOGS_COLLECTION);
  if (unstorable.length > 0) {
    return rejected(
      new RejectionError('unstorable', 'the entry built from this event is more than Firestore can store', unstorable),
      envelope,
    );
  }
  return { status: 'accepted', entry };
}

/**
 * The seal of an event of a tenant that encrypts personal data: its actor's key. Without the key
 * source the event is not stored in clear: the error is transient (a deployment without the
 * key-encryption key), so the delivery is retried rather than lost.
 */
async function sealFor(
  envelope: ValidEnvelope,
  settings: TenantSettings,
  deps: PipelineDeps,
): Promise<PersonalDataSeal> {
  const keys = deps.personalData;
  if (!keys) throw new Error(`tenant "${envelope.tenantId}" encrypts personal data but no key source is configured`);
  const tenantId = envelope.tenantId;
  return {
    dataKey: await keys.dataKey(tenantId, subjectOf(envelope.actor)),
    blindIndex: (email) => keys.blindIndex(tenantId, email),
    personalKeys: personalKeySet(settings.privacy.personalKeys),
  };
}

/**
 * An event sent under an earlier name of a catalog type (`auth.login`) is stored under the
 * canonical one (`auth.user.login`), whatever path it came by. The alias is not kept: the same
 * event sent under both names must stay one entry, and the entry's hash covers what is stored.
 */
export function withCanonicalEventType(envelope: ValidEnvelope): ValidEnvelope {
  const eventType = canonicalEventType(envelope.eventType);
  return eventType === envelope.eventType ? envelope : { ...envelope, eventType };
}

/** Best effort to name the tenant and event of a rejected payload in its dead letter. */
function tryParse(raw: RawEvent): unknown {
  if (!('bytes' in raw) || raw.bytes.byteLength > 256 * 1024) return undefined;
  try {
    return JSON.parse(Buffer.from(raw.bytes).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
