/**
 * Document ids of the audit system's own outbox documents. The system stages its events in
 * `audit_outbox` like any producer (so an event exists if and only if its change committed), but
 * under ids with this prefix, which the security rules refuse to every client: a client can
 * neither pre-create a system document (and so turn the system's write into a silent update
 * that no `onDocumentCreated` sees) nor have its own document mistaken for the system's. The
 * outbox trigger trusts exactly the documents under this prefix with reserved sources.
 */
export const SYSTEM_OUTBOX_PREFIX = 'sys-';

/** The outbox document id of a system event, from the log id the entry will have. */
export function systemOutboxId(logId: string): string {
  return `${SYSTEM_OUTBOX_PREFIX}${logId}`;
}

/** True when the outbox document was written by the system (clients cannot create these ids). */
export function isSystemOutboxId(id: string): boolean {
  return id.startsWith(SYSTEM_OUTBOX_PREFIX);
}
