import { onMessagePublished } from 'firebase-functions/v2/pubsub';
import { REGION } from '../config';
import { firestore } from '../firebase';

/**
 * Benchmark baseline only (registered inside the emulator, never deployed): the least a trigger can do
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
