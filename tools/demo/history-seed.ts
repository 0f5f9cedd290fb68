import { HttpSink, type AuditEvent } from './sdk';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { CreatedApiKey } from '@audit-log/model/callables';
import { logIdFor } from '../../functions/src/domain/ids';
import { callCallable, FUNCTIONS_URL, signIn, until } from './emulator-rest';
import { generateTenantHistory, HISTORY_ACTIONS_PER_DAY, HISTORY_DAYS } from './history';
import { adminOf, type DemoWorld } from './world';

// Importing the demo's history through the real ingest path, once: the HTTP API with an API key
// that has the `backfill` scope, created and revoked by the tenant's admin as a real import would
// be. Event ids are deterministic, so sending the same history again stores nothing twice; a
// marker document per tenant records what was imported, so a restart does not even send it.

/** The demo's own record of the imported history (demo data, like `tenants/{t}/settings/org`). */
export const historyMarkerPath = (tenantId: string): string => `tenants/${tenantId}/demo/history`;

export interface HistoryMarker {
  seed: number;
  days: number;
  actionsPerDay: number;
  /** The first day the history does not cover (the day it was first imported). */
  until: string;
  /** Set when every event was stored (or found stored). */
  ingestedAt?: string;
  events?: number;
  /** Set when the checkpoints signed it and tiering archived the days past retention. */
  tieredAt?: string;
}

export interface HistoryIngestOptions {
  db: Firestore;
  world: DemoWorld;
  seed: number;
  days?: number;
  actionsPerDay?: number;
  log: (line: string) => void;
  /** Send the events even when the marker says they were imported (tests of idempotency). */
  resend?: boolean;
  now?: () => Date;
  /** When the history step began (epoch ms), for the progress lines: the first attempt's start when a step is retried. */
  startedAt?: number;
  /** A UTC day (YYYY-MM-DD): a tenant's events from this day on are sent before its older ones. */
  recentFrom?: string;
  /**
   * Called once a tenant's events from `recentFrom` on are stored, before its older ones are sent
   * (the history step rolls up the dashboard's trends there). Not called for a tenant whose
   * history is not sent; a failure here fails that tenant's import.
   */
  onRecentStored?: (tenantId: string) => Promise<void>;
}

/** What one tenant's import did. */
export interface TenantIngest {
  tenantId: string;
  marker: HistoryMarker;
  /** False when the marker said the history was imported already. */
  sent: boolean;
  events: AuditEvent[];
  stored: number;
  duplicates: number;
}

const HTTP_SLICE = 500;

/**
 * Imports each demo tenant's history unless its marker says it is there. The admins sign in one
 * after the other (each sign-in runs the blocking functions, whose worker starts once), then the
 * tenants send in parallel.
 */
export async function ingestHistory(options: HistoryIngestOptions): Promise<TenantIngest[]> {
  const plans: TenantPlan[] = [];
  for (let index = 0; index < options.world.tenants.length; index++) plans.push(await planTenant(options, index));
  const settled = await Promise.allSettled(plans.map((plan) => sendTenant(options, plan)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<TenantIngest>).value);
}

interface TenantPlan {
  index: number;
  marker: HistoryMarker;
  existing: boolean;
  events: AuditEvent[];
  /** The tenant admin's ID token, when there is something to send. */
  idToken?: string;
}

async function planTenant(options: HistoryIngestOptions, index: number): Promise<TenantPlan> {
  const { db, world } = options;
  const tenant = world.tenants[index]!;
  const existing = (await db.doc(historyMarkerPath(tenant.id)).get()).data() as HistoryMarker | undefined;
  // A marker fixes what the history is (its parameters and its last day), so a second start
  // regenerates exactly the same events, whatever the date.
  const marker: HistoryMarker = existing ?? {
    seed: options.seed,
    days: options.days ?? HISTORY_DAYS,
    actionsPerDay: options.actionsPerDay ?? HISTORY_ACTIONS_PER_DAY,
    until: (options.now?.() ?? new Date()).toISOString().slice(0, 10),
  };
  const { seed, days, actionsPerDay, until: last } = marker;
  const events = generateTenantHistory({ world, seed, days, actionsPerDay, until: last }, index);
  const plan: TenantPlan = { index, marker, existing: existing !== undefined, events };
  if (existing?.ingestedAt && !options.resend) return plan;
  const admin = adminOf(world, tenant.id);
  return { ...plan, idToken: (await signIn(admin.email, admin.password, admin.ip)).idToken };
}

async function sendTenant(options: HistoryIngestOptions, plan: TenantPlan): Promise<TenantIngest> {
  const { db, world, log } = options;
  const tenant = world.tenants[plan.index]!;
  const ref = db.doc(historyMarkerPath(tenant.id));
  const { marker, events, idToken } = plan;
  if (!idToken) {
    log(
      `History: ${tenant.id} has its ${marker.days} days already ` +
        `(${marker.events ?? events.length} events, imported ${marker.ingestedAt}).`,
    );
    return { tenantId: tenant.id, marker, sent: false, events, stored: 0, duplicates: 0 };
  }
  if (!plan.existing) await ref.set(marker);

  const started = performance.now();
  const key = await callCallable<CreatedApiKey>(
    'createApiKey',
    { name: 'history import', scopes: ['ingest', 'backfill'] },
    idToken,
  );
  const sink = new HttpSink({ apiKey: key.key, baseUrl: `${FUNCTIONS_URL}/api`, timeoutMs: 120_000 });
  let stored = 0;
  let duplicates = 0;
  const sendAll = async (list: readonly AuditEvent[]): Promise<void> => {
    for (let i = 0; i < list.length; i += HTTP_SLICE) {
      for (const result of await sink.send(list.slice(i, i + HTTP_SLICE))) {
        if (result.status === 'stored') stored++;
        else if (result.status === 'duplicate') duplicates++;
        else
          throw new Error(
            `history event ${result.eventId} of ${tenant.id} was refused: ${result.reason ?? result.status}`,
          );
      }
    }
  };
  // The recent days first: what they feed (the dashboard's trends) can be shown while the
  // older days, which only the archive needs, are still on their way.
  const { recentFrom } = options;
  const isRecent = (e: AuditEvent) => recentFrom !== undefined && e.occurredAt.slice(0, 10) >= recentFrom;
  const recent = events.filter(isRecent);
  try {
    await sendAll(recent);
    if (recent.length > 0) await options.onRecentStored?.(tenant.id);
    await sendAll(events.filter((e) => !isRecent(e)));
  } finally {
    await sink.close();
    // The backfill capability was for this import only.
    await callCallable('revokeApiKey', { keyId: key.keyId }, idToken);
  }
  const done: HistoryMarker = { ...marker, ingestedAt: new Date().toISOString(), events: events.length };
  await ref.set(done);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(
    `History: ${tenant.id} ${events.length} events over ${marker.days} days sent through POST /v1/events ` +
      `(backfill key): ${stored} stored, ${duplicates} already there, in ${seconds} s.`,
  );
  return { tenantId: tenant.id, marker: done, sent: true, events, stored, duplicates };
}

/** The log ids the history's events are stored under. */
export function historyLogIds(events: readonly AuditEvent[]): string[] {
  return events.map((e) => logIdFor(e.tenantId, e.source, e.eventId));
}

/**
 * Waits until the reactions to the imported entries have run (`reactToEntry`: review deadlines,
 * the repeated-denials detector and its CRITICAL entries, alerts). Tiering must come after them:
 * an anomaly entry of an old day recorded later would not be signed yet, and a review deadline
 * stamped after the day's file was written keeps that entry warm. Done when every pending review
 * of the history's days has its deadline and their number holds still between two looks.
 *
 * Returns the instant just after the newest recording of the history's days: what the
 * checkpoints must sign before tiering. Not the moment of the last look: a start long after the
 * import (the import's grace period long past) signs at once instead of waiting it out again.
 */
export async function waitForHistoryReactions(
  db: Firestore,
  tenants: ReadonlyArray<{ tenantId: string; until: string }>,
  log: (line: string) => void,
  timeoutMs = 15 * 60_000,
): Promise<number> {
  let previous = -1;
  let lastLog = 0;
  await until(
    'the reactions to the imported history',
    async () => {
      let total = 0;
      let waiting = 0;
      for (const { tenantId, until: day } of tenants) {
        const snap = await db
          .collection('audit_reviews')
          .where('tenantId', '==', tenantId)
          .where('status', '==', 'pending')
          .where('occurredAt', '<', Timestamp.fromMillis(Date.parse(`${day}T00:00:00.000Z`)))
          .select('dueAt')
          .get();
        total += snap.size;
        waiting += snap.docs.filter((d) => d.get('dueAt') === undefined).length;
      }
      const steady = waiting === 0 && total === previous;
      previous = total;
      if (!steady && Date.now() - lastLog > 30_000) {
        lastLog = Date.now();
        log(`History: reactions running (${total - waiting} of ${total} flagged entries have their review deadline)…`);
      }
      return steady;
    },
    (steady) => steady,
    { timeoutMs, intervalMs: 3_000 },
  );
  const newest = await Promise.all(tenants.map((t) => newestRecordingBefore(db, t.tenantId, t.until)));
  return Math.max(...newest) + 1;
}

/** When the newest entry of the tenant's days before `day` was recorded (epoch ms; 0 if none). */
async function newestRecordingBefore(db: Firestore, tenantId: string, day: string): Promise<number> {
  const snap = await db
    .collection('audit_logs')
    .where('tenantId', '==', tenantId)
    .where('occurredAt', '<', Timestamp.fromMillis(Date.parse(`${day}T00:00:00.000Z`)))
    .select('recordedAt')
    .get();
  return snap.docs.reduce((newest, d) => Math.max(newest, (d.get('recordedAt') as Timestamp).toMillis()), 0);
}
