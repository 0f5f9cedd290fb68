import { Timestamp, type DocumentData, type Firestore } from 'firebase-admin/firestore';
import { anomalyEnvelope, denialFromEntry, recordDenial, windowKeyOf, type WindowState } from '../domain/anomaly';
import type { Actor } from '../domain/envelope';
import { ERASED, UNDECRYPTABLE } from '../domain/privacy';
import { revealEntries } from '../privacy/data-keys';
import { ingestSystemEvent, type IngestOutcome } from '../ingest/ingest';
import * as logs from '../logs';
import { tenantSettingsReader } from '../tenants/tenant-settings';

/**
 * The repeated-denials rule, run on new audit entries by the trigger `reactToEntry`
 * (reactions/functions.ts). Each `permission.check.denied`
 * entry is counted in its window's counter document inside a transaction (so concurrent
 * instances count exactly); the denial that crosses the tenant's threshold emits the CRITICAL
 * SECURITY event through the common ingest entry point with an event id fixed by the window,
 * so concurrency and redelivery can never store it twice.
 */

/** Counter documents, one per tenant, actor, resource and window. Never captured, never client-visible. */
export const ANOMALY_WINDOWS = 'audit_anomaly_windows';
/** Counters outlive their window by a day; a TTL policy on `expireAt` removes them afterwards. */
const COUNTER_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Many denials of one window race on one counter; transactions retry rather than fail the trigger. */
const TRANSACTION_ATTEMPTS = 25;

function isoInstant(value: unknown): unknown {
  return value instanceof Timestamp ? value.toDate().toISOString() : value;
}

/**
 * Counts one stored entry if it is a denial; emits the anomaly when it crosses the threshold.
 * Returns the ingest outcome of an emission, else null. Throws only on transient failures.
 */
export async function processAuditEntry(
  db: Firestore,
  logId: string,
  data: DocumentData,
): Promise<IngestOutcome | null> {
  const denial = denialFromEntry(logId, { ...data, occurredAt: isoInstant(data.occurredAt) });
  if (!denial) return null;
  const settings = await tenantSettingsReader(db).anomaly(denial.tenantId);
  if (!settings.enabled) return null;
  const key = windowKeyOf(denial, settings);
  if (!key) return null;

  const ref = db.collection(ANOMALY_WINDOWS).doc(key.id);
  const decision = await db.runTransaction(
    async (tx) => {
      const snap = await tx.get(ref);
      const stored = snap.exists ? (snap.data() as WindowState) : null;
      const result = recordDenial(stored, denial, key, settings);
      if (result.changed) {
        tx.set(ref, { ...result.state, expireAt: Timestamp.fromMillis(key.end + COUNTER_RETENTION_MS) });
      }
      return result;
    },
    { maxAttempts: TRANSACTION_ATTEMPTS },
  );
  if (!decision.emit) return null;

  const actor = await openedActor(denial.tenantId, decision.state.actor);
  const envelope = anomalyEnvelope({ ...decision.state, actor }, denial, key);
  const outcome = await ingestSystemEvent(envelope, `anomaly-${key.id}`);
  if (outcome.status === 'stored') logs.anomalyRaised(denial.tenantId, outcome.logId, key.id);
  return outcome;
}

/**
 * The window's actor as the anomaly event names it. The denials of a sealing tenant (the default)
 * carry the actor's personal fields sealed; passed on as they are, ingest would seal the
 * ciphertext again and readers would see `enc:v1:…` as the actor's name. They are opened here and
 * sealed anew by ingest under the same subject's key, so erasing the actor erases them in the
 * anomaly entry too; a value that no longer opens (the actor was erased) is left out.
 */
async function openedActor(tenantId: string, actor: Actor): Promise<Actor> {
  const [opened] = await revealEntries(tenantId, [{ actor }]);
  const kept = Object.entries(opened!.actor).filter(([, value]) => value !== ERASED && value !== UNDECRYPTABLE);
  return Object.fromEntries(kept) as Actor;
}
