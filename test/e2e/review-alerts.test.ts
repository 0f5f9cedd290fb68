import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { logIdFor } from '../../functions/src/domain';
import { notificationId } from '../../functions/src/domain/alerts';
import { adminDb, closeAdminApp, pubsubClient, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { launchBrowser, screenshot, signIn } from './support/browser';
import { PASSWORD, createTenant, createUser, envelopeAt, type ConsoleUser } from './support/console-seed';
import { serveStatic, type StaticServer } from './support/static-server';

// The review workflow and the alert bell in a real browser against the emulators: a reviewer
// approves a flagged entry from the queue and sees its status change live, the decision shows up
// in log search; an admin's bell counts up when a CRITICAL event is published.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'PUBSUB');

const BUILD = path.resolve(__dirname, '../../web/dist/audit-console/browser');
const tenant = uniqueTenant('console-review');

let server: StaticServer;
let browser: Browser;
let reviewer: ConsoleUser;
let admin: ConsoleUser;

/** Publishes a CRITICAL event (a repository made public) and waits until it is stored. */
async function publishCritical(name: string): Promise<string> {
  const envelope = envelopeAt(tenant, new Date(), 0, {
    eventType: 'repo.visibility_changed',
    operation: 'UPDATE',
    resource: { type: 'repository', id: `r-${name}`, name },
    changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
  });
  await pubsubClient().topic('audit-events').publishMessage({ json: envelope });
  const logId = logIdFor(tenant, envelope.source as string, envelope.eventId as string);
  await waitFor(
    () => adminDb().collection('audit_logs').doc(logId).get(),
    (s) => s.exists,
    { timeoutMs: 60_000, what: `entry of ${name}` },
  );
  return logId;
}

async function bellCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('alert-bell-count').textContent());
}

beforeAll(async () => {
  await createTenant(tenant, 'Review console');
  [reviewer, admin] = await Promise.all([createUser(tenant, 'reviewer'), createUser(tenant, 'admin')]);
  // Alert recipients come from the tenant's member directory (confirmed against the claims).
  await adminDb()
    .doc(`tenants/${tenant}/members/${admin.uid}`)
    .set({ uid: admin.uid, email: admin.email, role: 'admin' });
  server = await serveStatic(BUILD);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await closeAdminApp();
});

describe('review queue and alert bell in Chromium', () => {
  it('a reviewer approves a flagged entry with a note; its status updates live and the decision is searchable', async () => {
    const logId = await publishCritical('flagged-repo');
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, reviewer.email, PASSWORD);
      await page.goto(`${server.url}/review`);
      const row = page.locator(`[data-testid="queue-row"][data-log-id="${logId}"]`);
      await row.waitFor({ timeout: 30_000 });
      await row.click();
      await expect.poll(() => page.getByTestId('review-status').textContent()).toBe('pending');

      const approve = page.getByRole('button', { name: 'Approve' });
      expect(await approve.isDisabled()).toBe(true); // the note is mandatory
      await page.getByTestId('review-note').fill('Planned open-sourcing, approved by the owner');
      await approve.click();

      // The detail panel listens to the entry's review doc: the committed decision appears without a reload.
      await expect.poll(() => page.getByTestId('review-status').textContent(), { timeout: 15_000 }).toBe('approved');
      await expect
        .poll(() => page.getByTestId('review-history').textContent())
        .toContain('Planned open-sourcing, approved by the owner');
      await row.waitFor({ state: 'detached', timeout: 15_000 });
      await screenshot(page, 'review-approved');

      // Stored in the entry's review doc; the entry itself was never written.
      const stored = (await adminDb().collection('audit_reviews').doc(logId).get()).data()!;
      expect(stored.status).toBe('approved');
      const entrySnap = await adminDb().collection('audit_logs').doc(logId).get();
      expect(entrySnap.updateTime!.isEqual(entrySnap.createTime!)).toBe(true);

      // The decision is an audit entry of its own, found by log search.
      const decision = await waitFor(
        () =>
          adminDb()
            .collection('audit_logs')
            .where('tenantId', '==', tenant)
            .where('eventType', '==', 'audit.review.approved')
            .get(),
        (s) => s.size === 1,
        { timeoutMs: 30_000, what: 'the decision entry' },
      );
      const decisionId = decision.docs[0]!.id;
      expect(decision.docs[0]!.get('resource.id')).toBe(logId);
      await waitFor(
        async () => {
          await page.goto(`${server.url}/logs?type=audit.review.approved&range=24h`);
          await page.locator('[data-testid="first-page-ms"], [data-testid="load-problem"]').first().waitFor();
          return page.locator(`[data-log-id="${decisionId}"]`).count();
        },
        (n) => n === 1,
        { timeoutMs: 30_000, intervalMs: 500, what: 'the decision entry in log search' },
      );
      await screenshot(page, 'review-decision-in-search');
    } finally {
      await context.close();
    }
  });

  it('an admin sees the alert bell count rise when a CRITICAL event is published', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, admin.email, PASSWORD);
      await page.goto(`${server.url}/dashboard`);
      await page.getByTestId('alert-bell').waitFor();
      // The bell shows what Firestore holds. Other CRITICAL entries of the tenant (the first test's,
      // the admin's own membership change) raise alerts too, so the truth is read, not assumed.
      const unread = async () =>
        (
          await adminDb()
            .collection('notifications')
            .where('tenantId', '==', tenant)
            .where('recipientUid', '==', admin.uid)
            .where('read', '==', false)
            .get()
        ).size;
      const inSync = () =>
        waitFor(
          async () => ({ shown: await bellCount(page), stored: await unread() }),
          (v) => v.shown === v.stored,
          { timeoutMs: 30_000, intervalMs: 300, what: 'the bell to show the stored unread count' },
        );
      const before = (await inSync()).shown;

      const logId = await publishCritical('another-public-repo');
      await waitFor(
        () =>
          adminDb()
            .collection('notifications')
            .doc(notificationId(logId, 'critical', admin.uid))
            .get(),
        (s) => s.exists,
        { timeoutMs: 30_000, what: 'the alert of the new CRITICAL event' },
      );
      const after = (await inSync()).shown;
      expect(after).toBeGreaterThan(before);
      await page.getByTestId('alert-bell').click();
      await expect.poll(() => page.locator('.bell-menu').textContent()).toContain('repo.visibility_changed');
      await screenshot(page, 'alert-bell');

      // Marking read goes through the callable and the bell follows live.
      await page.getByTestId('alert-mark-read').click();
      await expect.poll(() => bellCount(page), { timeout: 15_000 }).toBe(0);
      const notice = await adminDb()
        .collection('notifications')
        .where('tenantId', '==', tenant)
        .where('logId', '==', logId)
        .get();
      expect(notice.docs.map((d) => d.get('read') as boolean)).toEqual([true]);
    } finally {
      await context.close();
    }
  });
});
