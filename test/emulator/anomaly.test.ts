import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAuditEntry, ANOMALY_WINDOWS } from '../../functions/src/anomaly/anomaly';
import {
  ANOMALY_EVENT_TYPE,
  ANOMALY_SOURCE,
  anomalyEventId,
  windowKeyOf,
  type Denial,
} from '../../functions/src/domain/anomaly';
import { logIdFor } from '../../functions/src/domain/ids';
import { revealEntries } from '../../functions/src/privacy/data-keys';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { createTenant, publishEnvelope, testEnvelope, waitForCount, waitForDoc } from '../support/ingest-paths';

// The repeated-denials rule end to end: denials published concurrently through Pub/Sub are
// stored, counted by the trigger on audit_logs, and raise exactly one CRITICAL SECURITY event
// per actor, resource and window.

const db = () => adminDb();
const SETTINGS = { enabled: true, deniedThreshold: 5, windowSeconds: 300 };
const WINDOW_MS = SETTINGS.windowSeconds * 1000;
// A window an hour ago, aligned like the rule aligns it, so every denial's window is known.
const WINDOW_START = Math.floor((Date.now() - 3_600_000) / WINDOW_MS) * WINDOW_MS;
let tenant: string;

beforeAll(async () => {
  requireEmulators('FIRESTORE', 'PUBSUB');
  tenant = uniqueTenant('anomaly');
  await createTenant(db(), tenant, { anomaly: { deniedThreshold: 5, windowSeconds: 300 } });
});

afterAll(async () => {
  await closeAdminApp();
});

const RESOURCE = { type: 'repository', id: 'r-secret', name: 'secret' };

function check(
  actorId: string,
  decision: 'allowed' | 'denied',
  at: number,
  personal: Record<string, string> = {},
): Record<string, unknown> {
  return testEnvelope(tenant, {
    eventType: `permission.check.${decision}`,
    source: 'authz-service',
    occurredAt: new Date(at).toISOString(),
    outcome: decision === 'denied' ? 'denied' : 'success',
    actor: { type: 'user', id: actorId, ...personal },
    resource: RESOURCE,
    changes: undefined,
    metadata: { permission: 'repo.admin' },
  });
}

function windowKey(actorId: string, at: number) {
  const denial: Denial = {
    logId: 'x',
    tenantId: tenant,
    occurredAt: new Date(at).toISOString(),
    actor: { type: 'user', id: actorId },
    resource: RESOURCE,
  };
  return windowKeyOf(denial, SETTINGS)!;
}

function anomalies() {
  return db().collection('audit_logs').where('tenantId', '==', tenant).where('eventType', '==', ANOMALY_EVENT_TYPE);
}

async function counterCount(id: string, count: number) {
  const snap = await waitFor(
    () => db().collection(ANOMALY_WINDOWS).doc(id).get(),
    (s) => s.get('count') === count,
    { what: `window ${id} to count ${count}`, timeoutMs: 60_000 },
  );
  return snap.data()!;
}

describe('repeated denials anomaly', () => {
  it('raises exactly one CRITICAL SECURITY event for 12 concurrent denials in a window', async () => {
    const denials = Array.from({ length: 12 }, (_, i) =>
      check('u-mallory', 'denied', WINDOW_START + 1000 + i * 10_000),
    );
    const allowed = Array.from({ length: 3 }, (_, i) => check('u-mallory', 'allowed', WINDOW_START + 2000 + i));
    await Promise.all([...denials, ...allowed].map(publishEnvelope));

    const key = windowKey('u-mallory', WINDOW_START + 1000);
    const counter = await counterCount(key.id, 12);
    expect(counter.logIds).toHaveLength(5);
    const denialIds = new Set(denials.map((d) => logIdFor(tenant, 'authz-service', String(d.eventId))));
    for (const id of counter.logIds as string[]) expect(denialIds.has(id)).toBe(true);

    const anomalyLogId = logIdFor(tenant, ANOMALY_SOURCE, anomalyEventId(key));
    const entry = await waitForDoc(db().collection('audit_logs').doc(anomalyLogId), 'anomaly stored');
    // Flagged for review: pending in its review doc, stored in the same write as the entry.
    expect((await db().collection('audit_reviews').doc(anomalyLogId).get()).get('status')).toBe('pending');
    expect(entry).toMatchObject({
      eventType: ANOMALY_EVENT_TYPE,
      category: 'SECURITY',
      level: 'CRITICAL',
      requiresReview: true,
      actor: { type: 'user', id: 'u-mallory' },
      resource: RESOURCE,
      metadata: {
        threshold: 5,
        windowSeconds: 300,
        windowStart: new Date(WINDOW_START).toISOString(),
        deniedLogIds: counter.logIds as string[],
      },
    });
    expect((await anomalies().get()).size).toBe(1);
  });

  it('raises another event in the next window, and none below the threshold', async () => {
    const next = WINDOW_START + WINDOW_MS;
    const burst = Array.from({ length: 6 }, (_, i) => check('u-mallory', 'denied', next + 5000 + i));
    const fewer = Array.from({ length: 4 }, (_, i) => check('u-eve', 'denied', next + 5000 + i));
    await Promise.all([...burst, ...fewer].map(publishEnvelope));

    await counterCount(windowKey('u-mallory', next).id, 6);
    await counterCount(windowKey('u-eve', next).id, 4);
    const all = await waitForCount(anomalies(), 2, 'second window anomaly');
    expect(all).toHaveLength(2);
    expect(all.map((e) => (e.actor as { id: string }).id)).toEqual(['u-mallory', 'u-mallory']);
    expect(new Set(all.map((e) => (e.metadata as { windowStart: string }).windowStart))).toEqual(
      new Set([new Date(WINDOW_START).toISOString(), new Date(next).toISOString()]),
    );
  });

  it('repeats the emission for a redelivered crossing denial without storing a second event', async () => {
    const key = windowKey('u-mallory', WINDOW_START + 1000);
    const counter = (await db().collection(ANOMALY_WINDOWS).doc(key.id).get()).data()!;
    const crossing = (counter.logIds as string[])[4]!;
    const entry = (await db().collection('audit_logs').doc(crossing).get()).data()!;

    expect(await processAuditEntry(db(), crossing, entry)).toMatchObject({ status: 'duplicate' });
    const other = (counter.logIds as string[])[0]!;
    const otherEntry = (await db().collection('audit_logs').doc(other).get()).data()!;
    expect(await processAuditEntry(db(), other, otherEntry)).toBeNull();

    expect((await db().collection(ANOMALY_WINDOWS).doc(key.id).get()).get('count')).toBe(12);
    expect((await anomalies().get()).size).toBe(2);
  });

  it("names a sealed actor in clear for readers, sealed once under the actor's key (the default)", async () => {
    const third = WINDOW_START + 2 * WINDOW_MS;
    const trudy = { name: 'Trudy Intruder', ip: '192.0.2.66' };
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => check('u-trudy', 'denied', third + 1000 + i, trudy)).map(publishEnvelope),
    );
    const key = windowKey('u-trudy', third);
    const logId = logIdFor(tenant, ANOMALY_SOURCE, anomalyEventId(key));
    const stored = await waitForDoc(db().collection('audit_logs').doc(logId), 'anomaly of the sealed actor');
    expect(JSON.stringify(stored)).not.toContain('Trudy');
    expect(String((stored.actor as { name: string }).name)).toMatch(/^enc:v1:/);
    const [opened] = await revealEntries(tenant, [stored as { actor: Record<string, unknown> }]);
    expect(opened!.actor).toEqual({ type: 'user', id: 'u-trudy', ...trudy });
  });
});
