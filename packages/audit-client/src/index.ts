/**
 * Publisher SDK of the audit log. Build events with typed builders (validated by the server's own
 * schema), then send them through Pub/Sub, a Firestore transaction's outbox, or the HTTP API.
 */
export {
  EventFactory,
  builderName,
  validateEvent,
  type AuditEvent,
  type CamelCase,
  type CatalogBuilders,
  type EventInput,
  type FactoryOptions,
  type InputFor,
  type LoginFailedInput,
  type PermissionCheckInput,
} from './builders';
export { AuditClient, type AuditClientOptions } from './client';
export { ConfirmingSink, type ConfirmationOptions, type ConfirmationStats } from './confirm';
export {
  AUDIT_EVENTS_TOPIC,
  CATALOG_EVENT_TYPES,
  HTTP_BATCH_LIMIT,
  LIMITS,
  OUTBOX_COLLECTION,
  RejectionError,
  describeFieldErrors,
  type Actor,
  type CatalogEventType,
  type FieldError,
  type Operation,
  type Outcome,
  type Resource,
} from './contract';
export { AuditClientError, CLIENT_ERROR_CODES, type ClientErrorCode } from './errors';
export { EMULATOR_API_URL, HttpSink, chunkEvents, type HttpSinkOptions } from './http';
export { addToOutbox, outboxDocument } from './outbox';
export {
  DEFAULT_BATCHING,
  PubSubSink,
  isTransientPublishError,
  type PubSubBatching,
  type PubSubSinkOptions,
} from './pubsub';
export { DEFAULT_RETRY, withRetry, type RetryDeps, type RetryPolicy, type RetryVerdict } from './retry';
export { SequenceCounter } from './sequence';
export type { AuditSink, SendResult } from './sink';
export {
  HttpWatermarks,
  type HttpWatermarksOptions,
  type SequenceRange,
  type StreamWatermark,
  type WatermarkSource,
} from './watermarks';
