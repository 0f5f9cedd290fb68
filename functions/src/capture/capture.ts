import type { CloudFunction } from 'firebase-functions/v2';
import {
  onDocumentWrittenWithAuthContext,
  type Change,
  type DocumentSnapshot,
  type FirestoreAuthEvent,
} from 'firebase-functions/v2/firestore';
import { REGION } from '../config';
import { captureEnvelope } from '../domain/capture';
import type { CaptureTarget } from '../domain/capture-config';
import { ingestSystemEvent, type IngestOutcome } from '../ingest/ingest';
import * as logs from '../logs';
import { documentToJson } from './firestore-json';

/**
 * Change capture: one `onDocumentWrittenWithAuthContext` trigger per watched collection (functions
 * `capture-<name>`), each mapping a write to an audit event through the pure domain mapping and
 * storing it with the common ingest entry point. Configured by `AUDIT_CAPTURE_TARGETS` (a JSON
 * array, read when the functions load; see `captureTargetsAtLoad` and
 * docs/outbox-and-capture.md), else the demo defaults.
 */

type WriteEvent = FirestoreAuthEvent<Change<DocumentSnapshot> | undefined, Record<string, string>>;

/** The event's time (the commit time of the write); the clock only if the event carries none. */
function commitTime(time: string | undefined): string {
  const ms = time === undefined ? Number.NaN : Date.parse(time);
  return new Date(Number.isNaN(ms) ? Date.now() : ms).toISOString();
}

/** The dead letter of a captured write: stable across redeliveries. */
export function captureDeadLetterId(eventId: string): string {
  return `capture-${eventId}`;
}

/**
 * Handles one write of a watched document. The event id comes from the Firestore event, so a
 * redelivery stores nothing new; throws only on transient failures (retried).
 */
export async function handleCapturedWrite(target: CaptureTarget, event: WriteEvent): Promise<IngestOutcome | null> {
  const result = captureEnvelope(
    {
      firestoreEventId: event.id,
      documentPath: event.document,
      params: event.params,
      time: commitTime(event.time),
      before: event.data?.before.exists ? documentToJson(event.data.before.data()) : null,
      after: event.data?.after.exists ? documentToJson(event.data.after.data()) : null,
      // Who wrote, as the platform says; the emulator leaves both empty (see docs/outbox-and-capture.md).
      ...(event.authType ? { auth: { type: event.authType, ...(event.authId ? { id: event.authId } : {}) } } : {}),
    },
    target,
  );
  if (result.status === 'skipped') {
    logs.captureSkipped(target.name, event.document, result.reason);
    return null;
  }
  const eventId = String(result.envelope.eventId);
  try {
    // Firestore-triggered paths share the `outbox` transport label of the contract.
    return await ingestSystemEvent(result.envelope, captureDeadLetterId(eventId));
  } catch (err) {
    logs.transientFailure('capture', err);
    throw err;
  }
}

/** One trigger per target, keyed by target name (exported as the function group `capture`). */
export function captureTriggers(targets: readonly CaptureTarget[]): Record<string, CloudFunction<WriteEvent>> {
  const triggers: Record<string, CloudFunction<WriteEvent>> = {};
  for (const target of targets) {
    triggers[target.name] = onDocumentWrittenWithAuthContext(
      { document: target.document, region: REGION, retry: true, memory: '256MiB', timeoutSeconds: 60 },
      (event: WriteEvent) => handleCapturedWrite(target, event).then(() => undefined),
    );
  }
  return triggers;
}
