import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import firebase from 'firebase/compat/app';
import 'firebase/compat/firestore';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { requireEmulators } from '../support/emulators';
import { RULES_PROJECT_ID } from '../support/rules-env';

// Rules of the transactional outbox: a signed-in user appends events of their own tenant that
// name themselves as the actor, and can never read, change or delete outbox documents.

let env: RulesTestEnvironment;

beforeAll(async () => {
  requireEmulators('FIRESTORE');
  env = await initializeTestEnvironment({
    projectId: RULES_PROJECT_ID,
    firestore: { rules: readFileSync(path.join(__dirname, '../../firestore.rules'), 'utf8') },
  });
});

afterAll(async () => {
  await env.cleanup();
});

beforeEach(async () => {
  await env.clearFirestore();
});

const ALICE = {
  uid: 'alice',
  claims: { tenantId: 'acme', role: 'member', email: 'alice@acme.test', email_verified: true },
};

function envelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: 'evt-1',
    eventType: 'repo.created',
    tenantId: 'acme',
    occurredAt: '2026-03-01T12:00:00Z',
    source: 'repo-service',
    actor: { type: 'user', id: 'alice', email: 'alice@acme.test' },
    resource: { type: 'repository', id: 'r1' },
    changes: { before: null, after: { name: 'api' } },
    ...overrides,
  };
}

function outboxAs(who: { uid: string; claims: Record<string, unknown> } | null, id = 'o1') {
  const db = who ? env.authenticatedContext(who.uid, who.claims).firestore() : env.unauthenticatedContext().firestore();
  return db.collection('audit_outbox').doc(id);
}

describe('audit_outbox create', () => {
  it('lets a tenant user append an event of their own tenant that names themselves', async () => {
    await assertSucceeds(outboxAs(ALICE).set(envelope()));
  });

  it('accepts optional envelope fields and a server timestamp as occurredAt', async () => {
    const firestore = env.authenticatedContext(ALICE.uid, ALICE.claims).firestore();
    await assertSucceeds(
      firestore
        .collection('audit_outbox')
        .doc('o2')
        .set(
          envelope({
            occurredAt: firebase.firestore.FieldValue.serverTimestamp(),
            sequence: 3,
            outcome: 'success',
            operation: 'CREATE',
            metadata: { ip: '10.0.0.1' },
            context: { requestId: 'req-1' },
          }),
        ),
    );
  });

  it('denies a forged actor: another uid, a non-user actor type, or someone else’s email', async () => {
    await assertFails(outboxAs(ALICE).set(envelope({ actor: { type: 'user', id: 'bob' } })));
    await assertFails(outboxAs(ALICE).set(envelope({ actor: { type: 'system', id: 'alice' } })));
    await assertFails(outboxAs(ALICE).set(envelope({ actor: { type: 'service_account', id: 'alice' } })));
    await assertFails(outboxAs(ALICE).set(envelope({ actor: { type: 'user', id: 'alice', email: 'ceo@acme.test' } })));
    await assertFails(outboxAs(ALICE).set(envelope({ actor: 'alice' })));
    await assertFails(outboxAs(ALICE).set(envelope({ actor: { type: 'anonymous' } })));
  });

  it('denies a foreign tenant, a user without a tenant and a signed-out client', async () => {
    await assertFails(outboxAs(ALICE).set(envelope({ tenantId: 'globex' })));
    await assertFails(outboxAs({ uid: 'alice', claims: { role: 'member' } }).set(envelope()));
    await assertFails(outboxAs({ uid: 'alice', claims: { role: 'member' } }).set(envelope({ tenantId: '' })));
    await assertFails(outboxAs(null).set(envelope()));
    // Platform admins read across tenants; they do not write events in another tenant's name.
    await assertFails(outboxAs({ uid: 'alice', claims: { platformAdmin: true, tenantId: 'ops' } }).set(envelope()));
  });

  it('denies documents that are not envelopes', async () => {
    const bad: Array<Record<string, unknown>> = [
      envelope({ status: 'pending' }),
      envelope({ category: 'SECURITY' }),
      envelope({ specVersion: '2.0' }),
      envelope({ eventType: 'RepoCreated' }),
      envelope({ eventId: '' }),
      envelope({ eventId: 'x'.repeat(129) }),
      envelope({ source: 42 }),
      envelope({ occurredAt: 1_772_366_400 }),
      envelope({ resource: 'r1' }),
      envelope({ metadata: ['a'] }),
    ];
    const { source: _omitSource, ...withoutSource } = envelope();
    bad.push(withoutSource);
    for (const [i, doc] of bad.entries()) {
      await assertFails(outboxAs(ALICE, `bad-${i}`).set(doc));
    }
  });
});

describe('audit_outbox and the system’s own events', () => {
  it('denies the system’s reserved sources, in any case, and every audit-* source', async () => {
    const sources = ['audit-settings', 'AUDIT-REVIEW', 'audit-anything-new', 'anomaly-detector', 'Firebase-Auth'];
    for (const [i, source] of sources.entries()) {
      await assertFails(outboxAs(ALICE, `reserved-${i}`).set(envelope({ source })));
    }
    await assertSucceeds(outboxAs(ALICE, 'own-source').set(envelope({ source: 'auditor-tools' })));
  });

  it('denies document ids of the system’s namespace, so no client can pre-empt a system event', async () => {
    await assertFails(outboxAs(ALICE, 'sys-0123456789abcdef0123456789abcdef').set(envelope()));
    await assertFails(outboxAs(ALICE, 'sys-').set(envelope()));
    await assertSucceeds(outboxAs(ALICE, 'system-like-but-not-sys').set(envelope()));
  });
});

describe('audit_outbox read, update and delete', () => {
  beforeEach(async () => {
    await env.withSecurityRulesDisabled(async (ctx) => {
      await ctx.firestore().collection('audit_outbox').doc('o1').set(envelope());
      await ctx
        .firestore()
        .collection('audit_outbox')
        .doc('f1')
        .set({ ...envelope({ eventId: 'evt-2' }), status: 'failed' });
    });
  });

  it('is denied to every client, the author and tenant admins included', async () => {
    const admin = { uid: 'root', claims: { tenantId: 'acme', role: 'admin' } };
    for (const who of [ALICE, admin]) {
      await assertFails(outboxAs(who).get());
      await assertFails(outboxAs(who, 'f1').get());
      await assertFails(outboxAs(who).update({ eventType: 'repo.deleted' }));
      await assertFails(outboxAs(who).delete());
      await assertFails(outboxAs(who).set(envelope({ eventId: 'evt-1b' })));
      const db = env.authenticatedContext(who.uid, who.claims).firestore();
      await assertFails(db.collection('audit_outbox').where('tenantId', '==', 'acme').get());
    }
  });
});

describe('audit_outbox create: what a client may claim', () => {
  it('denies the families a client must not mint: security, compliance, permission, auth, config', async () => {
    for (const eventType of [
      'security.secret.leaked',
      'compliance.policy.violated',
      'permission.role.granted',
      'auth.login.failed',
      'config.tenant_settings.updated',
    ]) {
      await assertFails(outboxAs(ALICE, `o-${eventType}`).set(envelope({ eventType })));
    }
    await assertSucceeds(outboxAs(ALICE, 'o-business').set(envelope({ eventType: 'issue.closed' })));
  });

  it('denies an e-mail claim unless the token says the address is verified', async () => {
    const unverified = { uid: 'alice', claims: { tenantId: 'acme', role: 'member', email: 'alice@acme.test' } };
    await assertFails(outboxAs(unverified).set(envelope()));
    const falsy = { uid: 'alice', claims: { ...unverified.claims, email_verified: false } };
    await assertFails(outboxAs(falsy).set(envelope()));
    // Without an e-mail in the actor nothing about the address is claimed.
    await assertSucceeds(outboxAs(unverified).set(envelope({ actor: { type: 'user', id: 'alice' } })));
  });
});
