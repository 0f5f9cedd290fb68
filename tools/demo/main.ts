/**
 * The GitHub-like demo app: seeds three organisations and their people, then generates traffic
 * through every ingest path.
 *
 *   tsx tools/demo/main.ts --continuous [--rate 3]         endless, at N actions/s (npm start)
 *   tsx tools/demo/main.ts [--count 200] [--seed 42]       a fixed, deterministic run; waits
 *                                                          until every event is stored
 *   tsx tools/demo/main.ts --history-only                  the history step alone, then exits
 * Options: --prefix <p> (tenant/user ids), --concurrency <n>, --no-seed. The continuous run also
 * signs checkpoints every 5 minutes (the emulators have no scheduler; see checkpoint-ticker.ts)
 * and, in the background, imports 120 days of history once and archives its old days
 * (history-*.ts; --no-history to leave it out, --history-days and --history-actions to size it).
 * Needs the emulators (FIRESTORE_/PUBSUB_/FIREBASE_AUTH_EMULATOR_HOST).
 */
import { HttpSink, PubSubSink } from './sdk';
import { startCheckpointTicker } from './checkpoint-ticker';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { getFirestore } from 'firebase-admin/firestore';
import { parseArgs } from 'node:util';
import { DemoDispatcher, type SentEvent } from './dispatch';
import { FUNCTIONS_URL, PROJECT_ID, requireEmulatorEnv } from './emulator-rest';
import { runDemoHistory } from './history-archive';
import { createDemoApiKeys, seedDemo } from './seed';
import { credentialsText, demoTenantIds, storedCounts, summaryLine, waitUntilStored } from './summary';
import { TrafficGenerator } from './traffic';
import { demoWorld } from './world';

const { values: args } = parseArgs({
  options: {
    continuous: { type: 'boolean', default: false },
    count: { type: 'string', default: '200' },
    seed: { type: 'string', default: '42' },
    rate: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    prefix: { type: 'string', default: '' },
    'summary-seconds': { type: 'string', default: '5' },
    'no-seed': { type: 'boolean', default: false },
    'no-history': { type: 'boolean', default: false },
    'history-only': { type: 'boolean', default: false },
    'history-days': { type: 'string' },
    'history-actions': { type: 'string' },
  },
});

async function main(): Promise<void> {
  requireEmulatorEnv('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
  const app = initializeApp({ projectId: PROJECT_ID }, 'demo');
  const db = getFirestore(app);
  const world = demoWorld(args.prefix);
  const tenantIds = demoTenantIds(world);

  if (!args['no-seed']) {
    await seedDemo(db, getAuth(app), world);
    console.log(`Seeded ${world.tenants.length} tenants and ${world.users.length} users.`);
  }
  // Every step of the history is idempotent (markers, deterministic ids), so a step that fails
  // on the loaded emulators is simply run again, a few times.
  const history = async (attempts = 3): Promise<void> => {
    const startedAt = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await runDemoHistory({
          db,
          world,
          startedAt,
          seed: Number(args.seed),
          ...(args['history-days'] ? { days: Number(args['history-days']) } : {}),
          ...(args['history-actions'] ? { actionsPerDay: Number(args['history-actions']) } : {}),
          log: (line) => console.log(line),
        });
      } catch (err) {
        if (attempt >= attempts) throw err;
        console.log(
          `History: ${err instanceof Error ? err.message : String(err)}; trying again (${attempt + 1} of ${attempts}).`,
        );
      }
    }
  };
  if (args['history-only']) {
    await history();
    await deleteApp(app);
    return;
  }
  const keys = await createDemoApiKeys(world);
  const pubsub = new PubSubSink({ projectId: PROJECT_ID });
  const http = new Map(
    [...keys].map(([tenantId, apiKey]) => [tenantId, new HttpSink({ apiKey, baseUrl: `${FUNCTIONS_URL}/api` })]),
  );
  const dispatcher = new DemoDispatcher({ db, pubsub, http });
  console.log(credentialsText(world));

  let stopping = false;
  let stopTicker = (): void => undefined;
  const inFlight = new Set<Promise<unknown>>();
  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
    return work;
  }

  async function shutdown(code: number): Promise<never> {
    stopping = true;
    stopTicker();
    await Promise.allSettled([...inFlight]);
    await pubsub.close();
    await Promise.all([...http.values()].map((sink) => sink.close()));
    await deleteApp(app);
    process.exit(code);
  }

  if (args.continuous) {
    const rate = Math.max(0.1, Number(args.rate));
    const concurrency = Math.max(1, Number(args.concurrency));
    const generator = new TrafficGenerator({
      world,
      seed: Number(args.seed),
      runId: `live-${Date.now().toString(36)}`,
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        console.log('Demo traffic stopping…');
        void shutdown(0);
      });
    }
    console.log(`Generating traffic: ${rate} actions/s through Pub/Sub, the outbox and the HTTP API.`);
    // Every 5 minutes, as `checkpointsScheduled` runs in a deployed project.
    stopTicker = startCheckpointTicker(world, 5 * 60_000, (line) => console.log(line));
    // Beside the live traffic, not before it: the console has something live at once, and the
    // archive once the history is signed and tiered (a few minutes). Not tracked: stopping the
    // demo does not wait for it, and a restart picks it up where its markers say.
    if (!args['no-history']) {
      history().catch((err: unknown) =>
        console.error(
          `History: failed (${err instanceof Error ? err.message : String(err)}); it is retried on the next start.`,
        ),
      );
    }
    const tick = setInterval(() => {
      if (stopping) return clearInterval(tick);
      // Back-pressure: when the emulators fall behind, skip a beat instead of queueing forever.
      if (inFlight.size < concurrency) void track(dispatcher.run(generator.next()));
    }, 1000 / rate);
    const seconds = Math.max(1, Number(args['summary-seconds']));
    let last = await storedCounts(db, tenantIds);
    const summary = setInterval(() => {
      if (stopping) return clearInterval(summary);
      void track(
        storedCounts(db, tenantIds).then(
          (now) => {
            console.log(summaryLine(dispatcher.stats, now, last, seconds));
            last = now;
          },
          (err: unknown) => console.error(`summary failed: ${String(err)}`),
        ),
      );
    }, seconds * 1000);
  } else {
    const count = Number(args.count);
    const generator = new TrafficGenerator({
      world,
      seed: Number(args.seed),
      startTime: new Date(Date.now() - 60_000),
      stepMs: 10,
    });
    const actions = generator.take(count);
    const started = performance.now();
    const sent: SentEvent[] = [];
    const concurrency = Math.max(1, Number(args.concurrency));
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < actions.length) sent.push(...(await dispatcher.run(actions[next++]!)));
      }),
    );
    const missing = await waitUntilStored(db, sent, 180_000);
    const stored = sent.length - missing.length;
    const seconds = (performance.now() - started) / 1000;
    const { pubsub: p, outbox: o, http: h } = dispatcher.stats.sent;
    console.log(
      `${count} actions, ${sent.length} events (pubsub ${p}, outbox ${o}, http ${h}), ` +
        `${stored} stored in ${seconds.toFixed(1)} s; sign-ins ${dispatcher.stats.signIns.ok} ok, ` +
        `${dispatcher.stats.signIns.failed} failed; errors ${dispatcher.stats.errors}` +
        (dispatcher.stats.lastError ? ` (last: ${dispatcher.stats.lastError})` : ''),
    );
    for (const { path, event } of missing.slice(0, 20)) {
      console.log(`  not stored: ${path} ${event.tenantId}/${event.source}/${event.eventId} ${event.eventType}`);
    }
    await shutdown(missing.length === 0 && dispatcher.stats.errors === 0 ? 0 : 1);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
