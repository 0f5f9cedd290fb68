import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { onMessagePublished } from 'firebase-functions/v2/pubsub';
import { REGION } from '../config';
import { firestore } from '../firebase';

/**
 * Benchmark baselines only (registered inside the emulator, never deployed): the least a trigger can do
 * with an event, parse it and write it as it came, so `bench/pubsub-e2e.bench.mjs` can report
 * the ingest pipeline as a ratio against the same emulators in the same run.
 */
export const benchBaselineIngest = onMessagePublished(
  { topic: 'audit-events-bench-baseline', region: REGION, retry: true, memory: '256MiB' },
  async (event) => {
    const data = JSON.parse(Buffer.from(event.data.message.data, 'base64').toString('utf8')) as Record<string, unknown>;
    await firestore().collection('audit_bench_baseline').doc(String(data.eventId)).set(data);
  },
);

/**
 * The outbox path's baseline (`bench/outbox.bench.mjs`): the least a Firestore trigger can do with
 * an outbox-shaped document, copy it as it came, with the options of `ingestOutbox`.
 */
export const benchBaselineOutbox = onDocumentCreated(
  { document: 'audit_bench_outbox/{id}', region: REGION, retry: true, memory: '256MiB', timeoutSeconds: 60 },
  async (event) => {
    if (!event.data) return;
    await firestore().collection('audit_bench_outbox_copies').doc(event.params.id).set(event.data.data());
  },
);
