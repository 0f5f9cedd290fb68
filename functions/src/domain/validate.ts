import { envelopeSchema, LIMITS, type Envelope, type Operation } from './envelope';
import { RejectionError, assertValid, type FieldError } from './errors';
import { deriveOperation } from './operation';

/** Keys that would reach `Object.prototype` if a consumer merged the payload into an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

function assertSize(bytes: number): void {
  assertValid(
    bytes <= LIMITS.envelopeBytes,
    'payload_too_large',
    `payload is ${bytes} bytes; the limit is ${LIMITS.envelopeBytes}`,
    [{ path: '', message: `must be at most ${LIMITS.envelopeBytes} bytes` }],
  );
}

/** Decodes a UTF-8 payload, refusing oversized or malformed bytes before any parsing. */
export function decodePayload(bytes: Uint8Array): string {
  assertSize(bytes.byteLength);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new RejectionError('invalid_encoding', 'payload is not valid UTF-8', [
      { path: '', message: 'must be UTF-8 encoded JSON' },
    ]);
  }
}

/** Parses JSON text, reporting the parser's complaint as the field error. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new RejectionError('invalid_json', 'payload is not valid JSON', [
      { path: '', message: `must be valid JSON (${detail})` },
    ]);
  }
}

/** Where a walk found a problem: the path from the root (built only on failure) and what is wrong. */
interface Finding {
  /** Path segments, innermost first: keys and array indices. */
  reversed: Array<string | number>;
  forbiddenKey?: string;
}

/**
 * Depth-first search for a prototype-pollution key or nesting deeper than the contract allows.
 * The recursion stops at the depth limit, so even a payload nested thousands of levels deep uses
 * at most that many stack frames. Paths are built on the way back out, only when something is found.
 */
function findHostile(node: object, depth: number): Finding | undefined {
  if (depth >= LIMITS.maxDepth) return { reversed: [] };
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i];
      if (child === null || typeof child !== 'object') continue;
      const found = findHostile(child, depth + 1);
      if (found) {
        found.reversed.push(i);
        return found;
      }
    }
    return undefined;
  }
  const record = node as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (FORBIDDEN_KEYS.has(key)) return { reversed: [key], forbiddenKey: key };
    const child = record[key];
    if (child === null || typeof child !== 'object') continue;
    const found = findHostile(child, depth + 1);
    if (found) {
      found.reversed.push(key);
      return found;
    }
  }
  return undefined;
}

function formatPath(reversed: ReadonlyArray<string | number>): string {
  let path = '';
  for (let i = reversed.length - 1; i >= 0; i--) {
    const segment = reversed[i]!;
    path += typeof segment === 'number' ? `[${segment}]` : path ? `.${segment}` : segment;
  }
  return path;
}

/** Refuses prototype-pollution keys at any depth and nesting deeper than the contract allows. */
export function assertNotHostile(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const found = findHostile(value, 0);
  if (!found) return;
  const path = formatPath(found.reversed);
  if (found.forbiddenKey !== undefined) {
    const key = found.forbiddenKey;
    throw new RejectionError('hostile_payload', `forbidden key "${key}"`, [
      { path, message: `key "${key}" is not allowed` },
    ]);
  }
  throw new RejectionError('hostile_payload', `nesting deeper than ${LIMITS.maxDepth} levels`, [
    { path, message: `must not nest deeper than ${LIMITS.maxDepth} levels` },
  ]);
}

function schemaErrors(value: unknown): Envelope {
  const result = envelopeSchema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    // zod reports unknown keys on the parent object; name each key so the producer sees which.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: path ? `${path}.${key}` : key,
        message: 'is not a field of the contract',
      }));
    }
    return [{ path, message: issue.message }];
  });
  throw new RejectionError('schema_violation', 'envelope does not match the contract', errors);
}

function changeRuleErrors(operation: Operation, envelope: Envelope): FieldError[] {
  const changes = envelope.changes;
  if (!changes) return [];
  const errors: FieldError[] = [];
  const need = (side: 'before' | 'after', present: boolean) => {
    const has = changes[side] !== null;
    if (present && !has) errors.push({ path: `changes.${side}`, message: `is required for ${operation}` });
    if (!present && has) errors.push({ path: `changes.${side}`, message: `must be null for ${operation}` });
  };
  if (operation === 'CREATE') {
    need('before', false);
    need('after', true);
  } else if (operation === 'UPDATE') {
    need('before', true);
    need('after', true);
  } else if (operation === 'DELETE') {
    need('before', true);
    need('after', false);
  }
  return errors;
}

/**
 * Whether metadata inside an envelope of `bytes` serialized bytes can be over its limit; if not,
 * measuring it is skipped. Re-serializing parsed JSON never lengthens strings, literals or white
 * space, and lengthens a number at most 5.25 times (`1e20` becomes 21 digits), so an envelope
 * under a sixth of the metadata limit cannot hold metadata over it.
 */
function mayExceed(bytes: number): boolean {
  return bytes * 6 > LIMITS.metadataBytes;
}

/** Rules of the contract that a shape cannot express: they depend on other fields or the clock. */
function semanticErrors(envelope: Envelope, operation: Operation, now: Date, bytes: number): FieldError[] {
  const errors: FieldError[] = [];
  if (envelope.actor.type !== 'anonymous' && envelope.actor.id === undefined) {
    errors.push({ path: 'actor.id', message: `is required for actor type ${envelope.actor.type}` });
  }
  if (!envelope.resource && !envelope.eventType.startsWith('auth.')) {
    errors.push({ path: 'resource', message: 'is required except for auth.* events' });
  }
  const occurred = Date.parse(envelope.occurredAt);
  if (occurred > now.getTime() + LIMITS.futureSkewMs) {
    errors.push({ path: 'occurredAt', message: 'must not be more than 5 minutes in the future' });
  }
  if (
    envelope.metadata &&
    mayExceed(bytes) &&
    Buffer.byteLength(JSON.stringify(envelope.metadata)) > LIMITS.metadataBytes
  ) {
    errors.push({ path: 'metadata', message: `must be at most ${LIMITS.metadataBytes} bytes serialized` });
  }
  errors.push(...changeRuleErrors(operation, envelope));
  return errors;
}

/** A validated envelope with its operation resolved. */
export type ValidEnvelope = Envelope & { operation: Operation };

/**
 * Validates an already-parsed value against the contract. Throws {@link RejectionError} with
 * field-level errors; returns the envelope with defaults applied and the operation resolved.
 */
export function validateEnvelope(value: unknown, now: Date): ValidEnvelope {
  return validateParsed(value, now, undefined);
}

/** Bytes of the value as JSON; a value JSON cannot hold (a bigint, a cycle) is a permanent rejection. */
function serializedSize(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value));
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new RejectionError('schema_violation', 'envelope is not representable as JSON', [
      { path: '', message: `must be representable as JSON (${detail})` },
    ]);
  }
}

/** `bytes` is the serialized size when the caller already knows it (raw input), else measured here. */
function validateParsed(value: unknown, now: Date, bytes: number | undefined): ValidEnvelope {
  assertValid(
    value !== null && typeof value === 'object' && !Array.isArray(value),
    'schema_violation',
    'envelope must be a JSON object',
    [{ path: '', message: 'must be a JSON object' }],
  );
  assertNotHostile(value);
  // An outbox document never passed through decodePayload; measure it once the walk above has
  // bounded its depth, so the serializer cannot overflow the stack.
  const size = bytes ?? serializedSize(value);
  assertSize(size);
  const envelope = schemaErrors(value);
  const operation = envelope.operation ?? deriveOperation(envelope.eventType);
  const errors = semanticErrors(envelope, operation, now, size);
  assertValid(errors.length === 0, 'schema_violation', 'envelope breaks a rule of the contract', errors);
  // The parsed envelope is a fresh object of our own: resolve the operation in place.
  envelope.operation = operation;
  return envelope as ValidEnvelope;
}

/** Decodes, parses and validates raw bytes (Pub/Sub data, an HTTP body). */
export function validateRawEnvelope(bytes: Uint8Array, now: Date): ValidEnvelope {
  return validateParsed(parseJson(decodePayload(bytes)), now, bytes.byteLength);
}
