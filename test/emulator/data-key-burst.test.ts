import { afterAll, describe, expect, it } from 'vitest';
import { DataKeyStore } from '../../functions/src/privacy/data-keys';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { devKek } from '../support/privacy';

// A burst from a new person reaches many function instances at once, and each must seal under the
// same key: the first event of a subject creates the key, every other instance uses that one. The
// instances here are key stores of their own (no shared cache), all asking at the same moment.
// With a transaction per ask they queued on the key document's lock (60 instances took 8 s here
// instead of 1 s), and under a loaded burst the waits ran past the emulator's lock timeout: 503.

requireEmulators('FIRESTORE');
const db = adminDb();
const INSTANCES = 60;

afterAll(async () => {
  await closeAdminApp();
});

/** Every instance's answer for the subject, asked at once. */
async function askAtOnce(tenant: string, subject: string) {
  const stores = Array.from({ length: INSTANCES }, () => new DataKeyStore(db, devKek()));
  return Promise.all(stores.map((store) => store.dataKey(tenant, subject)));
}

function expectOneKey(keys: Awaited<ReturnType<typeof askAtOnce>>, keyId: string) {
  expect(new Set(keys.map((k) => k.keyId))).toEqual(new Set([keyId]));
  expect(new Set(keys.map((k) => k.key.toString('base64'))).size).toBe(1);
}

describe('data keys under a burst of new instances', () => {
  it('gives every instance the one key of a new subject, and after an erasure the one next generation', async () => {
    const tenant = uniqueTenant('key-burst');
    const subject = 'user:u-burst';
    const subjectRef = devKek().subjectRef(tenant, subject);

    const first = await askAtOnce(tenant, subject);
    expectOneKey(first, `${subjectRef}.1`);
    const stored = await db.collection('audit_data_keys').doc(subjectRef).get();
    expect(stored.get('generation')).toBe(1);
    // The key stored is the one handed out: a reader opens what ingest sealed.
    const reader = new DataKeyStore(db, devKek());
    expect((await reader.keysFor(tenant, [`${subjectRef}.1`])).get(`${subjectRef}.1`)?.key.equals(first[0]!.key)).toBe(
      true,
    );

    expect((await reader.destroy(tenant, subject)).destroyed).toBe(true);
    const next = await askAtOnce(tenant, subject);
    expectOneKey(next, `${subjectRef}.2`);
    expect(next[0]!.key.equals(first[0]!.key)).toBe(false);
    expect((await db.collection('audit_data_keys').doc(subjectRef).get()).get('generation')).toBe(2);
  });

  it('never hands out a key of another tenant, however many instances ask', async () => {
    const owner = uniqueTenant('key-owner');
    const subject = 'user:u-shared';
    await new DataKeyStore(db, devKek()).dataKey(owner, subject);
    const subjectRef = devKek().subjectRef(owner, subject);
    const other = uniqueTenant('key-other');
    // Another tenant's subject never maps to the owner's document; forging the document's tenant
    // into place is what an attacker with write access could try, and it must fail loudly.
    await db
      .collection('audit_data_keys')
      .doc(devKek().subjectRef(other, subject))
      .set({
        tenantId: owner,
        generation: 1,
        wrappedKey: (await db.collection('audit_data_keys').doc(subjectRef).get()).get('wrappedKey') as string,
      });
    const answers = await Promise.allSettled(
      Array.from({ length: 10 }, () => new DataKeyStore(db, devKek()).dataKey(other, subject)),
    );
    expect(answers.every((a) => a.status === 'rejected')).toBe(true);
  });
});
