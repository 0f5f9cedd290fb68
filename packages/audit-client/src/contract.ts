/**
 * The contract as the server defines it. The SDK has no schema of its own: these are the very
 * modules the ingest functions run (`functions/src/domain`), so an event that passes producer-side
 * validation passes the server's, and a rule changed there changes here on the next build.
 */
export {
  ACTOR_TYPES,
  LIMITS,
  OPERATIONS,
  OUTCOMES,
  envelopeSchema,
  type Actor,
  type Envelope,
  type Operation,
  type Outcome,
  type Resource,
} from '../../../functions/src/domain/envelope';
export { CATALOG_EVENT_TYPES, type CatalogEventType } from '../../../functions/src/domain/catalog';
export { RejectionError, describeFieldErrors, type FieldError } from '../../../functions/src/domain/errors';
export { deriveOperation } from '../../../functions/src/domain/operation';
export {
  decodePayload,
  validateEnvelope,
  validateRawEnvelope,
  type ValidEnvelope,
} from '../../../functions/src/domain/validate';

import { COLLECTIONS } from '../../../functions/src/store/collections';

/** Pub/Sub topic of the contract (the functions read it from their deployment config). */
export const AUDIT_EVENTS_TOPIC = 'audit-events';
/** Outbox collection of the contract. */
export const OUTBOX_COLLECTION = COLLECTIONS.outbox;
export const SPEC_VERSION = '1.0';
/** Most events one `POST /v1/events` request may carry. */
export const HTTP_BATCH_LIMIT = 500;
