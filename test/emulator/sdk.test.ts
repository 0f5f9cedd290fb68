import {
  addToOutbox,
  AuditClient,
  EventFactory,
  HttpSink,
  PubSubSink,
  RejectionError,
  type AuditEvent,
} from '@audit-log/client';
import type { DocumentReference } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logIdFor } from '../../functions/src/domain/ids';
import { revealEntries } from '../../functions/src/privacy/data-keys';
import { createKey, FUNCTIONS_BASE, signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, PROJECT_ID, requireEmulators, uniqueTenant } from '../support/emulators';
import { createTenant, waitForDoc, waitForGone } from '../support/ingest-paths';

// The publisher SDK (the built package, as an application uses it) against the emulators: events
// published to Pub/Sub, committed through a transaction's outbox and posted to the HTTP API are
// stored with what the producer built, and an aborted transaction leaves no event behind.

const db = () => adminDb();
let tenant: string;
let pubsub: PubSubSink;

const alice = { type: 'user' as const, id: 'u-alice', name: 'Alice' };

function logRef(event: AuditEvent) {
  return db()
    .collection('audit_logs')
    .doc(logIdFor(event.tenantId, event.source, event.eventId));
}

beforeAll(async () => {
  requireEmulators('FIRESTORE', 'PUBSUB', 'FIREBASE_AUTH');
  tenant = uniqueTenant('sdk');
  await createTenant(db(), tenant);
  pubsub = new PubSubSink({ projectId: PROJECT_ID });
});

afterAll(async () => {
  await pubsub.close();
  await closeAdminApp();
});

describe('publisher SDK on the emulators', () => {
  it('publishes built events to Pub/Sub; they are stored as built, numbered per source', async () => {
    const audit = new AuditClient({ source: 'repo-service', sink: pubsub });
    const created = audit.events.repoCreated({
      tenantId: tenant,
      actor: alice,
      resource: { type: 'repository', id: 'r-1', name: 'widgets' },
      changes: { after: { name: 'widgets', visibility: 'private' } },
    });
    const published = await audit.publish(created);
    expect(published).toMatchObject({ eventId: created.eventId, status: 'published' });
    expect(published.id).toEqual(expect.any(String));

    const madePublic = audit.events.repoVisibilityChanged({
      tenantId: tenant,
      actor: alice,
      resource: { type: 'repository', id: 'r-1', name: 'widgets' },
      changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
    });
    await audit.publishAll([madePublic]);

    const first = await waitForDoc(logRef(created), 'repo.created entry');
    expect(first).toMatchObject({
      eventType: 'repo.created',
      source: 'repo-service',
      sequence: 0,
      category: 'DATA_MODIFICATION',
      level: 'INFO',
      changedFields: ['name', 'visibility'],
    });
    const second = await waitForDoc(logRef(madePublic), 'repo.visibility_changed entry');
    expect(second).toMatchObject({ sequence: 1, level: 'CRITICAL', requiresReview: true });
  });

  it('records permission decisions and failed logins through the helpers', async () => {
    const audit = new AuditClient({ source: 'authz-service', sink: pubsub });
    const factory = audit.factory;
    const allowed = await audit.recordPermissionCheck({
      tenantId: tenant,
      actor: alice,
      resource: { type: 'repository', id: 'r-1' },
      permission: 'repo.read',
      allowed: true,
    });
    expect(allowed).toBe(true);
    const denial = factory.permissionCheck({
      tenantId: tenant,
      actor: alice,
      resource: { type: 'repository', id: 'r-1' },
      permission: 'repo.push',
      allowed: false,
      reason: 'not a collaborator',
    });
    await audit.publish(denial);
    const failed = factory.loginFailed({
      tenantId: tenant,
      email: 'nobody@example.com',
      ip: '203.0.113.9',
      reason: 'unknown_user',
    });
    await audit.publish(failed);

    expect(await waitForDoc(logRef(denial), 'denial entry')).toMatchObject({
      eventType: 'permission.check.denied',
      outcome: 'denied',
      category: 'AUTHORIZATION',
      level: 'WARNING',
      metadata: { permission: 'repo.push', reason: 'not a collaborator' },
    });
    const login = await waitForDoc(logRef(failed), 'login failure entry');
    expect(login).toMatchObject({
      eventType: 'auth.login.failed',
      outcome: 'failure',
      category: 'AUTHENTICATION',
      level: 'WARNING',
      actor: { type: 'anonymous' },
    });
    // The tenant seals personal data (the default): the address is stored sealed, and opens for
    // the tenant's readers as the helper recorded it.
    expect(String((login.actor as { ip: string }).ip)).toMatch(/^enc:v1:/);
    const [opened] = await revealEntries(tenant, [login as { actor: Record<string, unknown> }]);
    expect(opened!.actor).toMatchObject({ type: 'anonymous', ip: '203.0.113.9' });
  });

  it('commits an outbox event with its business change; the trigger stores it and removes the document', async () => {
    const factory = new EventFactory({ source: 'issue-service' });
    const issue = db().doc(`tenants/${tenant}/issues/i-1`);
    const event = factory.events.issueCreated({
      tenantId: tenant,
      actor: alice,
      resource: { type: 'issue', id: 'i-1', name: 'Flaky test' },
      changes: { after: { title: 'Flaky test', state: 'open' } },
    });
    let outboxRef: DocumentReference | undefined;
    await db().runTransaction(async (tx) => {
      const current = await tx.get(issue);
      expect(current.exists).toBe(false);
      tx.set(issue, { title: 'Flaky test', state: 'open', updatedBy: alice.id });
      outboxRef = addToOutbox(tx, db(), event);
    });
    const stored = await waitForDoc(logRef(event), 'outbox entry');
    expect(stored).toMatchObject({ eventType: 'issue.created', source: 'issue-service', sequence: 0 });
    await waitForGone(outboxRef!, 'processed outbox document');
    expect((await issue.get()).exists).toBe(true);
  });

  it('leaves no outbox document when the transaction does not commit', async () => {
    const factory = new EventFactory({ source: 'issue-service' });
    const issue = db().doc(`tenants/${tenant}/issues/i-aborted`);
    const event = factory.events.issueCreated({
      tenantId: tenant,
      actor: alice,
      resource: { type: 'issue', id: 'i-aborted' },
      changes: { after: { title: 'never' } },
    });
    const abort = db().runTransaction(async (tx) => {
      await tx.get(issue);
      tx.set(issue, { title: 'never' });
      addToOutbox(tx, db(), event);
      throw new Error('business rule failed');
    });
    await expect(abort).rejects.toThrow('business rule failed');
    const pending = await db().collection('audit_outbox').where('eventId', '==', event.eventId).get();
    expect(pending.size).toBe(0);
    expect((await issue.get()).exists).toBe(false);
  });

  it('refuses an invalid event before it reaches any path', () => {
    const factory = new EventFactory({ source: 'repo-service' });
    expect(() =>
      factory.build('repo.created', {
        tenantId: 'no spaces allowed',
        actor: alice,
        resource: { type: 'repository', id: 'r' },
      }),
    ).toThrow(RejectionError);
  });

  it('posts events to the HTTP API with a tenant API key; the same event on two paths is stored once', async () => {
    const { idToken } = await signInWithClaims({ tenantId: tenant, role: 'admin' });
    const { key } = await createKey(idToken, 'sdk test');
    const http = new HttpSink({ apiKey: key, baseUrl: `${FUNCTIONS_BASE}/api` });
    const audit = new AuditClient({ source: 'ci-service', sink: http });
    const commit = audit.events.prCommitted({
      tenantId: tenant,
      actor: { type: 'service_account', id: 'ci-bot' },
      resource: { type: 'pull_request', id: 'p-1' },
      metadata: { sha: 'abc123', commits: 2 },
    });
    const [result] = await audit.publishAll([commit]);
    expect(result).toEqual({ eventId: commit.eventId, status: 'stored', id: logRef(commit).id });
    expect(await waitForDoc(logRef(commit), 'http entry')).toMatchObject({ eventType: 'pr.committed', sequence: 0 });

    // The same event again through the outbox: the trigger finds it stored and removes the
    // document (a conflict would keep it, marked failed); the API reports a duplicate.
    let outboxRef: DocumentReference | undefined;
    await db().runTransaction((tx) => {
      outboxRef = addToOutbox(tx, db(), commit);
      return Promise.resolve();
    });
    await waitForGone(outboxRef!, 'duplicate outbox document');
    const again = await http.send([commit]);
    expect(again[0]!.status).toBe('duplicate');
    const copies = await db()
      .collection('audit_logs')
      .where('tenantId', '==', tenant)
      .where('eventId', '==', commit.eventId)
      .get();
    expect(copies.size).toBe(1);
    await http.close();
  });
});
