import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from 'firebase/auth';
import {
  collection,
  connectFirestoreEmulator,
  getDocs,
  getFirestore,
  limit,
  orderBy,
  query,
  where,
  type Firestore,
} from 'firebase/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORIES, LEVELS, OPERATIONS, OUTCOMES, REVIEW_STATUSES } from '../../web/src/app/core/audit-model';
import { emptyFilter, type LogFilter } from '../../web/src/app/logs/filters/log-filter';
import { QueryPlanError, planLogQuery, type LogQueryPlan } from '../../web/src/app/logs/query/log-query';
import { closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { PASSWORD, buildEntries, createTenant, createUser, envelopeAt, writeEntries } from './support/console-seed';

// The console's query planner against the real security rules: every plan it can produce is
// accepted for the caller's own tenant and refused for any other tenant or a member.
requireEmulators('FIRESTORE', 'FIREBASE_AUTH');

const tenantA = uniqueTenant('plans-a');
const tenantB = uniqueTenant('plans-b');
const apps: FirebaseApp[] = [];

async function clientAs(email: string): Promise<Firestore> {
  const app = initializeApp(
    { projectId: 'demo-auditlog', apiKey: 'fake-api-key' },
    `plans-${apps.length}-${Date.now()}`,
  );
  apps.push(app);
  const auth = getAuth(app);
  connectAuthEmulator(auth, `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST ?? ''}`, { disableWarnings: true });
  await signInWithEmailAndPassword(auth, email, PASSWORD);
  const db = getFirestore(app);
  const [host, port] = (process.env.FIRESTORE_EMULATOR_HOST ?? '').split(':');
  connectFirestoreEmulator(db, host ?? '127.0.0.1', Number(port));
  return db;
}

/** The same mapping as the console's Firestore adapter: one where() per planned condition. */
function run(db: Firestore, plan: LogQueryPlan) {
  const constraints = plan.where.map((c) =>
    where(c.field, c.op, Array.isArray(c.value) ? [...(c.value as string[])] : c.value),
  );
  return getDocs(
    query(collection(db, plan.collection), ...constraints, orderBy('occurredAt', 'desc'), limit(plan.limit ?? 50)),
  );
}

/** One filter per combination the planner accepts (values do not matter to the rules). */
function acceptedPlans(tenantId: string): LogQueryPlan[] {
  const singles: Array<Partial<LogFilter>> = [
    { categories: [CATEGORIES[4]] },
    { levels: [LEVELS[3]] },
    { outcomes: [OUTCOMES[1]] },
    { operations: [OPERATIONS[2]] },
    { reviewStatuses: [REVIEW_STATUSES[1]] },
    { eventType: 'repo.created' },
    { actorId: 'u-alice' },
    { resourceType: 'repository' },
    { resourceType: 'repository', resourceId: 'r-widgets' },
    { correlationId: 'c-1' },
    { keyword: 'alice' },
  ];
  const plans = new Map<string, LogQueryPlan>();
  for (let mask = 0; mask < 1 << singles.length; mask++) {
    const parts = singles.filter((_, i) => mask & (1 << i));
    for (const range of [{ preset: '7d' as const }, { preset: 'all' as const }]) {
      try {
        const plan = planLogQuery(
          emptyFilter(Object.assign({ range }, ...parts) as Partial<LogFilter>),
          { tenantId },
          {
            now: new Date(),
            limit: 20,
          },
        );
        plans.set(`${plan.index.join(',')}|${range.preset}`, plan);
      } catch (err) {
        if (!(err instanceof QueryPlanError)) throw err;
      }
    }
  }
  // Multi-valued filters become `in` conditions; include one of those too.
  plans.set(
    'in',
    planLogQuery(
      emptyFilter({ categories: ['SECURITY', 'AUTHORIZATION'], levels: ['ERROR', 'CRITICAL'] }),
      { tenantId },
      {
        now: new Date(),
        limit: 20,
      },
    ),
  );
  return [...plans.values()];
}

let adminA: Firestore;
let memberA: Firestore;

beforeAll(async () => {
  await Promise.all([createTenant(tenantA, 'Plans A'), createTenant(tenantB, 'Plans B')]);
  const [admin, member] = await Promise.all([createUser(tenantA, 'admin'), createUser(tenantA, 'member')]);
  const now = new Date();
  await writeEntries(
    buildEntries(
      [
        envelopeAt(tenantA, now, 1, { eventType: 'repo.created', changes: { before: null, after: { name: 'w' } } }),
        envelopeAt(tenantB, now, 1, { eventType: 'repo.created', changes: { before: null, after: { name: 'w' } } }),
      ],
      now,
    ),
  );
  adminA = await clientAs(admin.email);
  memberA = await clientAs(member.email);
});

afterAll(async () => {
  await Promise.all(apps.map((app) => deleteApp(app)));
  await closeAdminApp();
});

describe('planned queries under the security rules', () => {
  it('every plan for the caller’s own tenant is accepted', async () => {
    const plans = acceptedPlans(tenantA);
    expect(plans.length).toBeGreaterThan(25);
    for (const plan of plans) {
      await expect(run(adminA, plan), plan.index.join(', ')).resolves.toBeDefined();
    }
    const all = await run(adminA, planLogQuery(emptyFilter(), { tenantId: tenantA }, { now: new Date(), limit: 20 }));
    // Sign-ins are audited too, so the tenant may hold more than the seeded entry; never another tenant's.
    expect(all.docs.length).toBeGreaterThan(0);
    expect(new Set(all.docs.map((d) => d.get('tenantId') as string))).toEqual(new Set([tenantA]));
  });

  it('the same plans for another tenant, or by a member, are refused', async () => {
    const plans = acceptedPlans(tenantB);
    for (const plan of plans) {
      await expect(run(adminA, plan), plan.index.join(', ')).rejects.toMatchObject({ code: 'permission-denied' });
    }
    for (const plan of acceptedPlans(tenantA).slice(0, 5)) {
      await expect(run(memberA, plan)).rejects.toMatchObject({ code: 'permission-denied' });
    }
  });
});
