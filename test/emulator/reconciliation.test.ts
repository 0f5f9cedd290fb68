import {
  AuditClient,
  EventFactory,
  HttpSink,
  HttpWatermarks,
  PubSubSink,
  outboxDocument,
  type AuditEvent,
  type ConfirmationStats,
} from '@audit-log/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAP_DETECTED_EVENT, INGEST_SYSTEM_SOURCE } from '../../functions/src/domain/streams';
import { runGapDetection, type GapDetectionReport, type GapSummary } from '../../functions/src/streams/gap-detector';
import { emitGapReport } from '../../functions/src/streams/functions';
import { STREAM_COLLECTIONS, StreamStore } from '../../functions/src/streams/stream-store';
import { apiRequest, seedKey } from '../support/api-client';
import { adminDb, closeAdminApp, pubsubClient, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant } from '../support/ingest-paths';

// Nothing lost, provably: producers publish concurrently through every path (the SDK to Pub/Sub
// with delivery confirmation, the outbox, HTTP batches), duplicates included, and the stored
// entries are exactly the distinct events. The Pub/Sub emulator acknowledges messages whether or
// not the function ran, so a burst loses deliveries there; the SDK's confirmation re-sends them and
// the gap detector (run in-process, as the scheduler would) reports and then closes the gaps.

requireEmulators('FIRESTORE', 'PUBSUB');
const db = adminDb();
const tenant = uniqueTenant('recon');
let apiKey: string;

const PUBSUB_EVENTS = 600;
const OUTBOX_EVENTS = 300;
const HTTP_EVENTS = 1200;
const SOURCES = { pubsub: 'recon-pubsub', outbox: 'recon-outbox', http: 'recon-http' } as const;
const actor = { type: 'user' as const, id: 'u-recon', name: 'Reconciler' };

const detector = () =>
  runGapDetection({ store: new StreamStore(db), emit: emitGapReport }, { tenantIds: [tenant], settleMs: 2000 });

function build(factory: EventFactory, i: number): AuditEvent {
  return factory.events.repoCreated({
    tenantId: tenant,
    actor,
    resource: { type: 'repository', id: `r-${i}`, name: `repo-${i}` },
    changes: { after: { name: `repo-${i}`, visibility: 'private' } },
  });
}

async function countOf(source: string): Promise<number> {
  const snap = await db
    .collection('audit_logs')
    .where('tenantId', '==', tenant)
    .where('source', '==', source)
    .count()
    .get();
  return snap.data().count;
}

async function countsOf(sources: readonly string[]): Promise<Record<string, number>> {
  const counts = await Promise.all(sources.map(async (s) => [s, await countOf(s)] as const));
  return Object.fromEntries(counts);
}

beforeAll(async () => {
  // A short grace period, so gaps are reported within the test; one user's bulk import goes
  // through the outbox, above the outbox's default per-user bound.
  await createTenant(db, tenant, {
    gapDetection: { graceSeconds: 5 },
    outbox: { userRateLimit: { events: 1000, windowSeconds: 3600 } },
  });
  apiKey = await seedKey(db, tenant);
});

afterAll(async () => {
  await closeAdminApp();
});

describe('reconciliation on the emulators', () => {
  it('stores exactly the distinct events of concurrent producers on every path, and closes every gap', async () => {
    const confirmed = new AuditClient({
      source: SOURCES.pubsub,
      sink: new PubSubSink({ pubsub: pubsubClient() }),
      confirm: { watermarks: new HttpWatermarks({ apiKey }), graceMs: 20_000, checkIntervalMs: 0 },
    });
    const outboxFactory = new EventFactory({ source: SOURCES.outbox });
    const http = new AuditClient({ source: SOURCES.http, sink: new HttpSink({ apiKey, timeoutMs: 120_000 }) });

    // The detector runs on its own while the producers publish, the way the schedule would.
    const reported: GapSummary[] = [];
    const reports: GapDetectionReport[] = [];
    let producing = true;
    const stored = async () => Object.values(await countsOf(Object.values(SOURCES))).reduce((sum, n) => sum + n, 0);
    const detecting = (async () => {
      let seen = -1;
      while (producing) {
        const report = await detector();
        reports.push(report);
        reported.push(...report.reported);
        // The next run once more entries are stored (or the producers are done), as the schedule's
        // next run would find them.
        seen = await waitFor(stored, (n) => !producing || n !== seen, {
          timeoutMs: 300_000,
          intervalMs: 1000,
          what: 'new entries for the detector',
        });
      }
    })();

    const viaPubSub = async () => {
      const events = Array.from({ length: PUBSUB_EVENTS }, (_, i) => build(confirmed.factory, i));
      // All at once, the burst that loses deliveries on the emulators.
      await confirmed.publishAll(events);
      // Duplicates straight to the topic: the same events delivered a second time.
      const topic = pubsubClient().topic('audit-events');
      await Promise.all(events.slice(0, 60).map((e) => topic.publishMessage({ data: Buffer.from(JSON.stringify(e)) })));
      return confirmed.confirmation!.drain({ timeoutMs: 300_000, intervalMs: 2000 });
    };
    const viaOutbox = async () => {
      const events = Array.from({ length: OUTBOX_EVENTS }, (_, i) => build(outboxFactory, i));
      const documents = [...events, ...events.slice(0, 30)];
      for (let i = 0; i < documents.length; i += 50) {
        const batch = db.batch();
        for (const e of documents.slice(i, i + 50))
          batch.create(db.collection('audit_outbox').doc(), outboxDocument(e));
        await batch.commit();
      }
    };
    const viaHttp = async () => {
      const events = Array.from({ length: HTTP_EVENTS }, (_, i) => build(http.factory, i));
      const chunks = [];
      for (let i = 0; i < events.length; i += 200) chunks.push(events.slice(i, i + 200));
      // One batch after another: each request is a worker on the busy emulators, and the API
      // answers a batch only once every event in it is stored.
      for (const chunk of chunks) await http.publishAll(chunk);
      const again = await http.publishAll(events.slice(0, 120));
      expect(again.every((r) => r.status === 'duplicate')).toBe(true);
    };

    const expected: Record<string, number> = {
      [SOURCES.pubsub]: PUBSUB_EVENTS,
      [SOURCES.outbox]: OUTBOX_EVENTS,
      [SOURCES.http]: HTTP_EVENTS,
    };
    let stats: ConfirmationStats;
    try {
      [stats] = await Promise.all([viaPubSub(), viaOutbox(), viaHttp()]);
      expect(stats.pending).toBe(0);
      await waitFor(
        () => countsOf(Object.keys(expected)),
        (counts) => Object.entries(expected).every(([s, n]) => counts[s] === n),
        { timeoutMs: 300_000, intervalMs: 1000, what: 'every distinct event stored' },
      );
    } finally {
      producing = false;
      await detecting;
    }

    // The last runs see everything; every gap reported on the way has closed.
    const final = await waitFor(
      async () => {
        const report = await detector();
        reported.push(...report.reported);
        const streams = await db.collection(STREAM_COLLECTIONS.streams).where('tenantId', '==', tenant).get();
        return { report, streams: streams.docs.map((d) => d.data()) };
      },
      ({ streams }) =>
        Object.keys(expected).every((s) =>
          streams.some((d) => d.source === s && d.contiguous === expected[s]! - 1 && d.attention === false),
        ),
      { timeoutMs: 120_000, intervalMs: 2500, what: 'every stream contiguous with no open gap' },
    );
    const totals = await countsOf(Object.keys(expected));
    expect(totals).toEqual(expected);
    const deadLetters = await db.collection('audit_dead_letters').where('tenantId', '==', tenant).count().get();
    expect(deadLetters.data().count).toBe(0);
    for (const gap of reported) {
      const stream = final.streams.find((d) => d.source === gap.source)!;
      const record = (stream.gaps as Array<{ from: number; to: number; closedAt: string | null }>).find(
        (g) => g.from === gap.from && g.to === gap.to,
      );
      // Closed, or already aged out of the short closed list: the contiguous prefix covers it.
      expect(record?.closedAt ?? (stream.contiguous as number) >= gap.to).toBeTruthy();
    }
    const reportEntries = await db
      .collection('audit_logs')
      .where('tenantId', '==', tenant)
      .where('source', '==', INGEST_SYSTEM_SOURCE)
      .count()
      .get();
    expect(reportEntries.data().count).toBe(reported.length);

    console.log(
      `reconciliation: ${PUBSUB_EVENTS + OUTBOX_EVENTS + HTTP_EVENTS} distinct events, ` +
        `${PUBSUB_EVENTS + OUTBOX_EVENTS + HTTP_EVENTS + 60 + 30 + 120} deliveries; the emulators dropped ` +
        `${stats.resentEvents} Pub/Sub deliveries, the SDK re-sent ${stats.resent} times; ` +
        `${reported.length} gap(s) reported during the run, all closed; detector runs: ${reports.length + 1}, ` +
        `reads per run max ${Math.max(...reports.map((r) => r.reads), final.report.reads)}`,
    );
    await confirmed.close();
    await http.close();
  }, 600_000);

  it('reports exactly the ranges a producer skipped, once, however often the detector runs', async () => {
    const source = 'recon-skips';
    const skipped = new Set([3, 7, 12, 13, 25]);
    const factory = new EventFactory({ source, sequences: false });
    const sink = new HttpSink({ apiKey });
    const events = Array.from({ length: 30 }, (_, n) => n)
      .filter((n) => !skipped.has(n))
      .map((n) =>
        factory.events.repoCreated({
          tenantId: tenant,
          actor,
          resource: { type: 'repository', id: `s-${n}` },
          sequence: n,
        }),
      );
    await sink.send(events);

    const watermark = await apiRequest(`/v1/streams/${encodeURIComponent(source)}/watermark`, {
      headers: { Authorization: `Bearer ${apiKey}` },
    });
    expect(watermark.status).toBe(200);
    expect(watermark.body).toMatchObject({
      source,
      highestContiguous: 2,
      scannedThrough: 29,
      complete: true,
      missing: [
        { from: 3, to: 3 },
        { from: 7, to: 7 },
        { from: 12, to: 13 },
        { from: 25, to: 25 },
      ],
    });

    const badFrom = await apiRequest(`/v1/streams/${source}/watermark?from=-1`, {
      headers: { Authorization: `Bearer ${apiKey}` },
    });
    expect(badFrom.status).toBe(400);
    expect(badFrom.body).toMatchObject({ error: { code: 'invalid_argument', errors: [{ path: 'from' }] } });
    const noKey = await apiRequest(`/v1/streams/${source}/watermark`);
    expect(noKey.status).toBe(401);

    // Reported once the 5-second grace period is over...
    const first = await waitFor(
      () => runGapDetection({ store: new StreamStore(db), emit: emitGapReport }, { tenantIds: [tenant], settleMs: 0 }),
      (report) => report.reported.length > 0,
      { timeoutMs: 60_000, intervalMs: 1000, what: 'the skipped ranges reported' },
    );
    expect(first.reported.map((g) => [g.source, g.from, g.to])).toEqual([
      [source, 3, 3],
      [source, 7, 7],
      [source, 12, 13],
      [source, 25, 25],
    ]);
    // ...and never again.
    for (let run = 0; run < 2; run++) {
      const again = await runGapDetection(
        { store: new StreamStore(db), emit: emitGapReport },
        { tenantIds: [tenant], settleMs: 0 },
      );
      expect(again.reported).toEqual([]);
    }
    const entries = await db
      .collection('audit_logs')
      .where('tenantId', '==', tenant)
      .where('eventType', '==', GAP_DETECTED_EVENT)
      .where('resource.id', '==', source)
      .get();
    const ranges = entries.docs
      .map((d) => d.get('metadata') as { missingFrom: number; missingTo: number; firstSeenAt: string })
      .sort((a, b) => a.missingFrom - b.missingFrom);
    expect(ranges.map((m) => [m.missingFrom, m.missingTo])).toEqual([
      [3, 3],
      [7, 7],
      [12, 13],
      [25, 25],
    ]);
    expect(ranges.every((m) => typeof m.firstSeenAt === 'string')).toBe(true);
  });
});
