import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSecretRef } from '../../functions/src/alerts/collections';
import { ensureDelivery, runDelivery } from '../../functions/src/alerts/webhook-delivery';
import { defaultDeliveryNetwork, type DeliveryNetwork } from '../../functions/src/alerts/webhook-transport';
import { fails, ok, tenantUser, type User } from '../support/commands';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { createTenant } from '../support/ingest-paths';
import { Receiver } from '../support/webhook-receiver';

// Webhook SSRF: a tenant admin chooses the webhook URL, and the delivery worker runs inside the
// project's network. The attacks: point the webhook at the metadata server, a private or loopback
// address (by literal, by an alternative spelling, by a name that resolves there, by a name that
// resolves somewhere public on the check and somewhere private on the connect), or redirect a
// delivery there. Deliveries run here in-process against the Firestore emulator and real local
// receivers; outside the Functions emulator this process is "production" (loopback refused).

requireEmulators('FIRESTORE', 'FIREBASE_AUTH');
const db = () => adminDb();
const tenant = uniqueTenant('ssrf');
let admin: User;
let receiver: Receiver;

/** A network whose name resolution the test scripts; connections are real. */
function scriptedNetwork(allowLoopback: boolean, answers: string[][]): DeliveryNetwork & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    allowLoopback,
    lookups,
    resolve: (hostname) => {
      lookups.push(hostname);
      return Promise.resolve(answers[Math.min(lookups.length - 1, answers.length - 1)]!);
    },
  };
}

/** Points the tenant's webhook at `url` the way no command allows: straight into the database. */
async function storeWebhookUrl(url: string): Promise<void> {
  await db()
    .collection('tenants')
    .doc(tenant)
    .set({ webhook: { enabled: true, url } }, { merge: true });
}

async function deliver(network?: DeliveryNetwork) {
  const ref = db().doc(`tenants/${tenant}/webhook_deliveries/d-${randomUUID()}`);
  await ensureDelivery(ref, {
    tenantId: tenant,
    logId: 'l'.repeat(32),
    ruleId: 'r',
    body: '{"probe":true}',
    now: new Date(),
  });
  const status = network ? await runDelivery(db(), ref, undefined, undefined, network) : await runDelivery(db(), ref);
  return { status, data: (await ref.get()).data()! };
}

beforeAll(async () => {
  await createTenant(db(), tenant);
  await webhookSecretRef(db(), tenant).set({ secret: `whsec_${'s'.repeat(43)}` });
  admin = await tenantUser(db(), tenant, 'admin', false);
  receiver = new Receiver([204]);
  await receiver.start();
});

afterAll(async () => {
  await receiver?.stop();
  await closeAdminApp();
});

describe('webhook destinations', () => {
  it('refuses internal destinations when an admin saves the settings, in every spelling', async () => {
    const internal = [
      'https://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token',
      'https://0xa9fea9fe/computeMetadata/v1/',
      'https://[::ffff:a9fe:a9fe]/computeMetadata/v1/',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://metadata/computeMetadata/v1/',
      'https://10.0.0.8/hook',
      'https://192.168.1.1/hook',
      'https://[fd00::8]/hook',
      'https://0.0.0.0/hook',
      'http://hooks.example.com/hook',
    ];
    for (const url of internal) {
      const refused = await fails(
        'updateTenantSettings',
        { settings: { webhook: { enabled: true, url } } },
        admin.idToken,
      );
      expect(refused.code, url).toBe('invalid_argument');
      expect(
        refused.errors?.map((e) => e.path),
        url,
      ).toEqual(['settings.webhook.url']);
    }
    expect((await db().collection('tenants').doc(tenant).get()).get('webhook')).toBeUndefined();
    // The Functions emulator is where local receivers live: loopback is accepted there.
    const local = await ok<{ changed: string[] }>(
      'updateTenantSettings',
      { settings: { webhook: { enabled: true, url: `http://127.0.0.1:${receiver.port}/hooks/audit` } } },
      admin.idToken,
    );
    expect(local.changed).toEqual(['webhook']);
  });

  it('never connects to loopback outside the emulators, however the URL got into the settings', async () => {
    for (const url of [
      `http://127.0.0.1:${receiver.port}/hooks/audit`,
      `http://localhost:${receiver.port}/hooks/audit`,
      `https://127.1:${receiver.port}/hooks/audit`,
      `https://[::ffff:7f00:1]:${receiver.port}/hooks/audit`,
    ]) {
      receiver.reset([204]);
      await storeWebhookUrl(url);
      const { status, data } = await deliver();
      expect(receiver.connections, url).toBe(0);
      expect(status, url).toBe('failed');
      expect(data.lastError).toBe('blocked_destination: not retried');
      // Only the kind of the failure: no duration, no status, nothing about the network behind it.
      expect(Object.keys((data.attemptLog as object[])[0]!).sort()).toEqual(['at', 'error']);
    }
  });

  it('checks every address a name resolves to and connects only to the address it checked', async () => {
    receiver.reset([204]);

    // A name with a public and a private address is refused before any connection, and so is a
    // name that resolves to the metadata server, even where loopback is allowed.
    await storeWebhookUrl('https://hooks.example.com/hooks/audit');
    const mixed = scriptedNetwork(false, [['93.184.216.34', '127.0.0.1']]);
    expect((await deliver(mixed)).data.lastError).toBe('blocked_destination: not retried');
    expect(mixed.lookups).toEqual(['hooks.example.com']);
    const metadata = scriptedNetwork(true, [['169.254.169.254']]);
    expect((await deliver(metadata)).data.lastError).toBe('blocked_destination: not retried');
    const privateToo = scriptedNetwork(true, [['93.184.216.34', '10.0.0.8']]);
    expect((await deliver(privateToo)).data.lastError).toBe('blocked_destination: not retried');
    expect(receiver.connections).toBe(0);

    // DNS rebinding: the first answer passes the check, every later one points elsewhere. The
    // connection goes to the checked address (the receiver; this machine's own resolver does not
    // know the name), and the name is resolved once.
    await storeWebhookUrl(`http://hooks.localhost:${receiver.port}/hooks/audit`);
    const rebinding = scriptedNetwork(true, [['127.0.0.1'], ['10.0.0.8']]);
    const { status } = await deliver(rebinding);
    expect(status).toBe('delivered');
    expect(rebinding.lookups).toEqual(['hooks.localhost']);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.headers.host).toBe(`hooks.localhost:${receiver.port}`);
    expect(receiver.requests[0]!.body).toBe('{"probe":true}');
  });

  it('never follows a redirect', async () => {
    const inside = new Receiver([200]);
    await inside.start();
    const redirecting = new Receiver([307], { location: `http://127.0.0.1:${inside.port}/latest/meta-data/` });
    try {
      await storeWebhookUrl(await redirecting.start());
      const { status, data } = await deliver({ ...defaultDeliveryNetwork(), allowLoopback: true });
      expect(status).toBe('failed');
      expect(data.lastError).toBe('HTTP 307: not retried');
      expect(redirecting.requests).toHaveLength(1);
      expect(inside.connections).toBe(0);
    } finally {
      await redirecting.stop();
      await inside.stop();
    }
  });
});
