import { compiledOnDemand } from './compiled';
import { envelopeSchema, LIMITS, type Envelope, type Operation } from './envelope';
import { RejectionError, assertValid, fieldErrorsOf, type FieldError } from './errors';
import { deriveOperation } from './operation';
import { utf8ByteLength } from './utf8';

/**
 * Keys that would reach `Object.prototype` if a consumer merged the payload into an object.
 * Compared directly rather than looked up in a set: the walk asks this of every key of every event.
 */
const isForbiddenKey = (key: string): boolean => key === '__proto__' || key === 'constructor' || key === 'prototype';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** 0001-01-01T00:00:00Z: Firestore timestamps start there (the schema already caps the year at 9999). */
const EARLIEST_TIMESTAMP_MS = Date.parse('0001-01-01T00:00:00Z');

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
    if (isForbiddenKey(key)) return { reversed: [key], forbiddenKey: key };
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

/**
 * The envelope schema with zod's compiled fast path: one generated function that checks and
 * copies a valid envelope without the per-node dispatch of the runtime parser. It is derived from
 * `envelopeSchema` itself, so the schema stays the one source of truth: the same checks (the
 * plain-object predicate and the IPv6 check included), defaults and output. Whatever the fast
 * path does not accept goes to the runtime parser, so rejections carry exactly the runtime's
 * issues. `validate-compiled.spec.ts` holds the two to the same answers.
 */
export const compiledEnvelopeSchema = compiledOnDemand(envelopeSchema);

function schemaErrors(value: unknown): Envelope {
  const result = compiledEnvelopeSchema().safeParse(value);
  if (result.success) return result.data;
  // zod reports unknown keys on the parent object; name each key so the producer sees which.
  const issues = result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'is not a field of the contract' }))
      : [issue],
  );
  const errors = fieldErrorsOf(issues);
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
  if (occurred < EARLIEST_TIMESTAMP_MS) {
    errors.push({
      path: 'occurredAt',
      message: 'must not be before 0001-01-01T00:00:00Z, the earliest instant Firestore stores',
    });
  }
  if (
    envelope.metadata &&
    mayExceed(bytes) &&
    utf8ByteLength(JSON.stringify(envelope.metadata)) > LIMITS.metadataBytes
  ) {
    errors.push({ path: 'metadata', message: `must be at most ${LIMITS.metadataBytes} bytes serialized` });
  }
  errors.push(...changeRuleErrors(operation, envelope));
  return errors;
}

/** A validated envelope with its operation resolved. */
export type ValidEnvelope = Envelope & { operation: Operation };

/**
 * Validates an already-parsed value (an outbox document) against the contract. Throws
 * {@link RejectionError} with field-level errors; returns the envelope with defaults applied and
 * the operation resolved. The value goes through JSON first, so what is validated is exactly what
 * any other path would have received: `undefined` members disappear, and values JSON cannot hold
 * (NaN, Infinity, bigint, cycles) are refused instead of failing later in the hash.
 */
export function validateEnvelope(value: unknown, now: Date): ValidEnvelope {
  assertJsonObject(value);
  // Bound the depth before serializing, so the serializer cannot overflow the stack.
  assertNotHostile(value);
  const text = jsonText(value);
  return validateParsed(JSON.parse(text) as unknown, now, utf8ByteLength(text));
}

function assertJsonObject(value: unknown): asserts value is object {
  assertValid(
    value !== null && typeof value === 'object' && !Array.isArray(value),
    'schema_violation',
    'envelope must be a JSON object',
    [{ path: '', message: 'must be a JSON object' }],
  );
}

/** The value as JSON text; a value JSON cannot hold is a permanent rejection naming the key. */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value, (key, member: unknown) => {
      if (typeof member === 'number' && !Number.isFinite(member)) {
        throw new TypeError(`"${key}" is ${member}, which JSON cannot represent`);
      }
      return member;
    });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new RejectionError('schema_violation', 'envelope is not representable as JSON', [
      { path: '', message: `must be representable as JSON (${detail})` },
    ]);
  }
}

/** `size` is the serialized size in bytes, for the contract's size limits. */
function validateParsed(value: unknown, now: Date, size: number): ValidEnvelope {
  assertJsonObject(value);
  assertNotHostile(value);
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
