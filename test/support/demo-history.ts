import { inject } from 'vitest';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { HistoryIngestOptions } from '../../tools/demo/history-seed';
import { demoWorld } from '../../tools/demo/world';

/** The demo history of this test run (`history-run.ts`), as `npm start` imports it at a reduced size: 40 days, a few actions a day. */
export function historyUnderTest(db: Firestore) {
  const world = demoWorld(inject('historyPrefix'));
  const lines: string[] = [];
  const options: HistoryIngestOptions = {
    db,
    world,
    seed: 7,
    days: 40,
    actionsPerDay: 3,
    log: (l) => {
      lines.push(l);
      console.log(l);
    },
  };
  /**
   * Initech keeps 30 days warm: its 10 oldest days of 40 go to the archive, those that have
   * entries. Its share of the work (0.4) makes about one action a day, and an action may record
   * nothing (a successful sign-in is not imported), so a few of those days are empty.
   */
  const initech = world.tenants.find((t) => t.id.endsWith('initech'))!.id;
  return { world, tenantIds: world.tenants.map((t) => t.id), initech, lines, options };
}

/** Entries of a tenant that occurred before the start of `day`, in Firestore. */
export async function entriesBefore(db: Firestore, tenantId: string, day: string): Promise<number> {
  const snap = await db
    .collection('audit_logs')
    .where('tenantId', '==', tenantId)
    .where('occurredAt', '<', Timestamp.fromMillis(Date.parse(`${day}T00:00:00.000Z`)))
    .count()
    .get();
  return snap.data().count;
}
