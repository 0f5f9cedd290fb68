import { randomUUID } from 'node:crypto';
import { FieldValue, Timestamp, type DocumentReference, type Firestore } from 'firebase-admin/firestore';
import { webhookAttempt } from '../commands/logs';
import {
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_RETRY_POLICY,
  WEBHOOK_SIGNATURE_HEADER,
  afterAttempt,
  signWebhookBody,
  type AttemptResult,
  type RetryPolicy,
} from '../domain/alerts';
import { readTenantSettings } from '../domain';
import { COLLECTIONS } from '../store/collections';
import { webhookSecretRef } from './collections';
import { defaultDeliveryNetwork, postWebhook, type DeliveryNetwork } from './webhook-transport';
import { isAlreadyExists } from '../store/write-errors';

/**
 * Webhook deliveries, `tenants/{t}/webhook_deliveries/{id}`: one per (entry, rule), holding the
 * exact body, every attempt and the status (pending → delivering → delivered | retrying →
 * failed). An attempt is claimed with a lease in a transaction, so the trigger and the retry
 * sweep never send the same attempt twice at once; the body never changes, and receivers can
 * drop a repeat by the `x-audit-delivery` header if a crash loses a recorded success.
 */

/** Attempts kept on the document, most recent last. */
const MAX_ATTEMPT_LOG = 20;

export interface DeliveryClock {
  now(): Date;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const SYSTEM_CLOCK: DeliveryClock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Creates the delivery unless it exists (trigger redelivery); returns its reference. */
export async function ensureDelivery(
  ref: DocumentReference,
  init: { tenantId: string; logId: string; ruleId: string; body: string; now: Date },
): Promise<'created' | 'exists'> {
  try {
    await ref.create({
      tenantId: init.tenantId,
      logId: init.logId,
      ruleId: init.ruleId,
      body: init.body,
      status: 'pending',
      attempts: 0,
      attemptLog: [],
      createdAt: Timestamp.fromDate(init.now),
      nextAttemptAt: Timestamp.fromDate(init.now),
    });
    return 'created';
  } catch (err) {
    if (isAlreadyExists(err)) return 'exists';
    throw err;
  }
}

interface Claim {
  token: string;
  tenantId: string;
  body: string;
  attempts: number;
}

async function claim(db: Firestore, ref: DocumentReference, now: Date, policy: RetryPolicy): Promise<Claim | null> {
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (!snap.exists) return null;
    const status = snap.get('status') as string;
    const lease = snap.get('leaseUntil') as Timestamp | undefined;
    const next = snap.get('nextAttemptAt') as Timestamp | undefined;
    if (status === 'delivered' || status === 'failed') return null;
    if (status === 'delivering' && lease && lease.toMillis() > now.getTime()) return null;
    if (status !== 'delivering' && next && next.toMillis() > now.getTime()) return null;
    const token = randomUUID();
    tx.update(ref, {
      status: 'delivering',
      leaseToken: token,
      leaseUntil: Timestamp.fromMillis(now.getTime() + policy.requestTimeoutMs + 15_000),
    });
    return {
      token,
      tenantId: snap.get('tenantId') as string,
      body: snap.get('body') as string,
      attempts: (snap.get('attempts') as number | undefined) ?? 0,
    };
  });
}

/** Where and with what to sign, read fresh for each attempt, so a fixed URL or a rotated secret applies to retries. */
async function endpoint(db: Firestore, tenantId: string): Promise<{ url: string; secret: string } | string> {
  const [tenant, secret] = await Promise.all([
    db.collection(COLLECTIONS.tenants).doc(tenantId).get(),
    webhookSecretRef(db, tenantId).get(),
  ]);
  const { webhook } = readTenantSettings(tenant.data()).settings;
  if (!webhook.enabled || !webhook.url) return 'the tenant webhook is disabled';
  const value = secret.get('secret') as unknown;
  if (typeof value !== 'string') return 'the tenant has no webhook signing secret';
  return { url: webhook.url, secret: value };
}

function signedHeaders(secret: string, id: string, body: string, now: Date): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'audit-log-webhooks/1',
    [WEBHOOK_DELIVERY_HEADER]: id,
    [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(secret, Math.floor(now.getTime() / 1000), body),
  };
}

/**
 * Runs a delivery: claims it, sends, records the attempt; short waits (the first retries) happen
 * right here, longer ones are left to the retry sweep through `nextAttemptAt`. Returns the final
 * status this call saw.
 */
export async function runDelivery(
  db: Firestore,
  ref: DocumentReference,
  clock: DeliveryClock = SYSTEM_CLOCK,
  policy: RetryPolicy = WEBHOOK_RETRY_POLICY,
  network: DeliveryNetwork = defaultDeliveryNetwork(),
): Promise<string> {
  for (;;) {
    const now = clock.now();
    const claimed = await claim(db, ref, now, policy);
    if (!claimed) return ((await ref.get()).get('status') as string | undefined) ?? 'missing';

    const target = await endpoint(db, claimed.tenantId);
    const attempt: { result: AttemptResult; durationMs?: number } =
      typeof target === 'string'
        ? { result: { status: 400, error: target }, durationMs: 0 }
        : await postWebhook(
            { tenantId: claimed.tenantId, deliveryId: ref.id, url: target.url },
            signedHeaders(target.secret, ref.id, claimed.body, now),
            claimed.body,
            policy.requestTimeoutMs,
            network,
          );
    const attempts = claimed.attempts + 1;
    const next =
      typeof target === 'string'
        ? ({ status: 'failed', reason: target } as const)
        : afterAttempt(attempts, attempt.result, clock.now(), policy, clock.random());

    const recorded = await db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (snap.get('leaseToken') !== claimed.token) return false;
      const log = ((snap.get('attemptLog') as unknown[] | undefined) ?? []).slice(-(MAX_ATTEMPT_LOG - 1));
      // A refused destination records no duration: nothing was sent, and timings would tell tenant admins about the network.
      const entry: Record<string, unknown> = { at: Timestamp.fromDate(now) };
      if (attempt.durationMs !== undefined) entry.durationMs = attempt.durationMs;
      if (attempt.result.status !== undefined && typeof target !== 'string') entry.httpStatus = attempt.result.status;
      if (attempt.result.error !== undefined) entry.error = attempt.result.error;
      const update: Record<string, unknown> = {
        status: next.status,
        attempts,
        attemptLog: [...log, entry],
        lastAttemptAt: Timestamp.fromDate(now),
        leaseToken: FieldValue.delete(),
        leaseUntil: FieldValue.delete(),
      };
      if (next.status === 'delivered') {
        update.deliveredAt = Timestamp.fromDate(clock.now());
        update.nextAttemptAt = FieldValue.delete();
      } else if (next.status === 'retrying') {
        update.nextAttemptAt = Timestamp.fromDate(next.nextAttemptAt);
        update.lastError = entry.error ?? `HTTP ${String(entry.httpStatus)}`;
      } else {
        update.failedAt = Timestamp.fromDate(clock.now());
        update.nextAttemptAt = FieldValue.delete();
        update.lastError = next.reason;
      }
      tx.update(ref, update);
      return true;
    });
    webhookAttempt(claimed.tenantId, ref.id, attempts, next.status, attempt.result.status);
    if (!recorded || next.status !== 'retrying' || !next.inline) return next.status;
    // A little past the due time, so the claim that follows never finds the attempt not yet due.
    await clock.sleep(next.delayMs + 50);
  }
}
