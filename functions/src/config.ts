// Deployment constants of the public contract, read in one place.

/** Region of every function (contract). */
export const REGION = 'us-central1';
/** Pub/Sub topic producers publish envelopes to (contract). */
export const AUDIT_EVENTS_TOPIC = 'audit-events';
