import { envelopeSchema, LIMITS, type Envelope, type Operation } from './envelope';
import { RejectionError, assertValid, type FieldError } from './errors';
import { deriveOperation } from './operation';

/** Keys that would reach `Object.prototype` if a consumer merged the payload into an object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a UTF-8 payload, refusing oversized or malformed bytes before any parsing. */
export function decodePayload(bytes: Uint8Array): string {
  assertValid(
    bytes.byteLength <= LIMITS.envelopeBytes,
    'payload_too_large',
    `payload is ${bytes.byteLength} bytes; the limit is ${LIMITS.envelopeBytes}`,
    [{ path: '', message: `must be at most ${LIMITS.envelopeBytes} bytes` }],
  );
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

/**
 * Walks the value without recursion (a 256 KiB payload can nest thousands of levels) and refuses
 * prototype-pollution keys and nesting deeper than the contract allows.
 */
export function assertNotHostile(value: unknown): void {
  const stack: Array<{ node: unknown; path: string; depth: number }> = [{ node: value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    assertValid(depth < LIMITS.maxDepth, 'hostile_payload', `nesting deeper than ${LIMITS.maxDepth} levels`, [
      { path, message: `must not nest deeper than ${LIMITS.maxDepth} levels` },
    ]);
    if (Array.isArray(node)) {
      node.forEach((child, i) => stack.push({ node: child, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(node)) {
      const childPath = path ? `${path}.${key}` : key;
      assertValid(!FORBIDDEN_KEYS.has(key), 'hostile_payload', `forbidden key "${key}"`, [
        { path: childPath, message: `key "${key}" is not allowed` },
      ]);
      stack.push({ node: (node as Record<string, unknown>)[key], path: childPath, depth: depth + 1 });
    }
  }
}

function schemaErrors(value: unknown): Envelope {
  const result = envelopeSchema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
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

/** Rules of the contract that a shape cannot express: they depend on other fields or the clock. */
function semanticErrors(envelope: Envelope, operation: Operation, now: Date): FieldError[] {
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
  if (envelope.metadata && Buffer.byteLength(JSON.stringify(envelope.metadata)) > LIMITS.metadataBytes) {
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
  assertValid(
    value !== null && typeof value === 'object' && !Array.isArray(value),
    'schema_violation',
    'envelope must be a JSON object',
    [{ path: '', message: 'must be a JSON object' }],
  );
  assertNotHostile(value);
  const envelope = schemaErrors(value);
  const operation = envelope.operation ?? deriveOperation(envelope.eventType);
  const errors = semanticErrors(envelope, operation, now);
  assertValid(errors.length === 0, 'schema_violation', 'envelope breaks a rule of the contract', errors);
  return { ...envelope, operation };
}

/** Decodes, parses and validates raw bytes (Pub/Sub data, an HTTP body). */
export function validateRawEnvelope(bytes: Uint8Array, now: Date): ValidEnvelope {
  return validateEnvelope(parseJson(decodePayload(bytes)), now);
}
