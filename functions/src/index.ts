// Registers the Cloud Functions of the audit log. Each trigger lives in its own module and
// only maps a Firebase event to the ingest service.
export { ingestPubSub } from './ingest/pubsub';
