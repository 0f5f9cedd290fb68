import { FieldPath, type Firestore } from 'firebase-admin/firestore';
import { logIdFor } from '../../functions/src/domain/ids';
import type { DispatchStats, SentEvent } from './dispatch';
import { DEMO_PASSWORD, PLATFORM_TENANT, type DemoWorld } from './world';

/** What the audit log holds for the demo tenants right now. */
export interface StoredCounts {
  stored: number;
  critical: number;
  deadLetters: number;
}

/** Counts with aggregation queries (no documents are read). */
export async function storedCounts(db: Firestore, tenantIds: readonly string[]): Promise<StoredCounts> {
  const logs = db.collection('audit_logs').where('tenantId', 'in', [...tenantIds]);
  const [stored, critical, deadLetters] = await Promise.all([
    logs.count().get(),
    logs.where('level', '==', 'CRITICAL').count().get(),
    db
      .collection('audit_dead_letters')
      .where('tenantId', 'in', [...tenantIds])
      .count()
      .get(),
  ]);
  return { stored: stored.data().count, critical: critical.data().count, deadLetters: deadLetters.data().count };
}

/** The tenants whose entries the demo produces (its own, plus where sign-ins without claims land). */
export function demoTenantIds(world: DemoWorld): string[] {
  return [...world.tenants.map((t) => t.id), PLATFORM_TENANT];
}

/** One line of the live summary. */
export function summaryLine(stats: DispatchStats, now: StoredCounts, before: StoredCounts, seconds: number): string {
  const rate = seconds > 0 ? (now.stored - before.stored) / seconds : 0;
  const time = new Date().toISOString().slice(11, 19);
  const errors = stats.errors > 0 ? ` · errors ${stats.errors} (last: ${stats.lastError?.slice(0, 80)})` : '';
  return (
    `[${time}] stored ${now.stored} (+${now.stored - before.stored}, ${rate.toFixed(1)} events/s)` +
    ` · sent pubsub ${stats.sent.pubsub} / outbox ${stats.sent.outbox} / http ${stats.sent.http}` +
    ` · sign-ins ${stats.signIns.ok} ok, ${stats.signIns.failed} failed` +
    ` · CRITICAL ${now.critical} · dead letters ${now.deadLetters}${errors}`
  );
}

/** The demo accounts, for the start-up banner. */
export function credentialsText(world: DemoWorld): string {
  const lines = [`Demo accounts (password for all: ${DEMO_PASSWORD})`];
  for (const tenant of world.tenants) {
    const people = world.users.filter((u) => u.tenantId === tenant.id && !u.email.startsWith('dev'));
    lines.push(`  ${tenant.name.padEnd(20)} ${people.map((u) => `${u.email} (${u.role})`).join(', ')}`);
  }
  const platform = world.users.find((u) => u.platformAdmin);
  if (platform) lines.push(`  ${'All tenants'.padEnd(20)} ${platform.email} (platform admin, read-only)`);
  return lines.join('\n');
}

/**
 * Waits until every sent event is stored (by its deterministic log id), or the deadline passes.
 * Returns the events still missing.
 */
export async function waitUntilStored(
  db: Firestore,
  sent: readonly SentEvent[],
  timeoutMs: number,
): Promise<SentEvent[]> {
  const pending = new Map(sent.map((s) => [logIdFor(s.event.tenantId, s.event.source, s.event.eventId), s]));
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0 && Date.now() < deadline) {
    const ids = [...pending.keys()];
    for (let i = 0; i < ids.length; i += 30) {
      const chunk = ids.slice(i, i + 30);
      const snap = await db.collection('audit_logs').where(FieldPath.documentId(), 'in', chunk).select().get();
      for (const doc of snap.docs) pending.delete(doc.id);
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return [...pending.values()];
}
