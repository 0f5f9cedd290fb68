import type { AuditEvent } from './builders';
import type { FieldError } from './contract';

/** What became of one event handed to a sink. */
export interface SendResult {
  eventId: string;
  /**
   * `published`: Pub/Sub holds the message (it is stored asynchronously). From the HTTP API:
   * `stored`, `duplicate` (stored before) or `rejected` (dead-lettered; see `errors`).
   */
  status: 'published' | 'stored' | 'duplicate' | 'rejected';
  /** Pub/Sub message id, or the stored entry's log id. */
  id?: string;
  /** For `rejected`: the reason code and field-level errors. */
  reason?: string;
  errors?: readonly FieldError[];
}

/** A transport that delivers validated events to the audit log. */
export interface AuditSink {
  /** Sends events; resolves with one result per event, in order. */
  send(events: readonly AuditEvent[]): Promise<SendResult[]>;
  /** Flushes anything buffered and releases connections. */
  close(): Promise<void>;
}
