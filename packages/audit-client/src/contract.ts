/**
 * The contract as the server defines it. The SDK has no schema of its own: these come from
 * `@audit-log/model`, the very package the ingest functions validate with, so an event that passes
 * producer-side validation passes the server's, and a rule changed there changes here too.
 */
export {
  ACTOR_TYPES,
  CATALOG_EVENT_TYPES,
  EVENT_TYPE_ALIASES,
  LIMITS,
  OPERATIONS,
  OUTCOMES,
  RejectionError,
  canonicalEventType,
  decodePayload,
  deriveOperation,
  describeFieldErrors,
  envelopeSchema,
  validateEnvelope,
  validateRawEnvelope,
  type Actor,
  type CatalogEventType,
  type Envelope,
  type FieldError,
  type Operation,
  type Outcome,
  type Resource,
  type ValidEnvelope,
} from '@audit-log/model';

import { COLLECTIONS } from '@audit-log/model';

/** Pub/Sub topic of the contract (the functions read it from their deployment config). */
export const AUDIT_EVENTS_TOPIC = 'audit-events';
/** Outbox collection of the contract. */
export const OUTBOX_COLLECTION = COLLECTIONS.outbox;
export const SPEC_VERSION = '1.0';
/** Most events one `POST /v1/events` request may carry. */
export const HTTP_BATCH_LIMIT = 500;
