import path from 'node:path';
import { Timestamp } from 'firebase-admin/firestore';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryHash, logIdFor } from '../../functions/src/domain';
import { signInWithClaims } from '../support/api-client';
import { fromStored } from '../../functions/src/store/converters';
import { adminDb, closeAdminApp, pubsubClient, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { launchBrowser, screenshot, signIn } from './support/browser';
import { PASSWORD, createTenant, createUser, envelopeAt, type ConsoleUser } from './support/console-seed';
import { serveStatic, type StaticServer } from './support/static-server';

// Verify in the console, in a real browser against the emulators: entries ingested through
// Pub/Sub by the real pipeline are sealed by the real checkpoint job (Checkpoint now on the
// Integrity page calls `runCheckpoints`), then the entry detail page checks an entry against its
// signed checkpoint with Web Crypto. Tampering through the Admin SDK, as a project admin could,
// must make Verify fail and name the check that failed, and Verify now (`runIntegrityCheck`) must
// record a run that names both tampered entries.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'FIREBASE_STORAGE', 'PUBSUB');

const BUILD = path.resolve(__dirname, '../../web/dist/audit-console/browser');
const tenant = uniqueTenant('console-integrity');
/** The checkpoint job leaves the newest 120 s open for late commits (AUDIT_CHECKPOINT_GRACE_SECONDS). */
const PAST_GRACE_MS = 10 * 60_000;

let server: StaticServer;
let browser: Browser;
let admin: ConsoleUser;
let logIds: string[];

/** Publishes envelopes to the ingest topic and waits until the pipeline has stored every one. */
async function ingest(envelopes: Array<Record<string, unknown>>): Promise<string[]> {
  const topic = pubsubClient().topic('audit-events');
  await Promise.all(envelopes.map((json) => topic.publishMessage({ json })));
  const ids = envelopes.map((e) => logIdFor(tenant, e.source as string, e.eventId as string));
  await waitFor(
    async () =>
      (await Promise.all(ids.map((id) => adminDb().collection('audit_logs').doc(id).get()))).filter((s) => s.exists)
        .length,
    (n) => n === ids.length,
    { timeoutMs: 60_000, intervalMs: 250, what: 'the ingested entries to be stored' },
  );
  return ids;
}

/** Opens an entry, presses Verify and waits for the verdict. */
async function verify(page: Page, logId: string): Promise<{ verdict: string; summary: string; failed: string[] }> {
  await page.goto(`${server.url}/logs/${logId}`);
  await page.getByTestId('verify-entry').click();
  const result = page.getByTestId('verify-result');
  await result.waitFor({ timeout: 30_000 });
  const failed = await page
    .locator('[data-testid="verify-result"] li[data-ok="false"]')
    .evaluateAll((items) => items.map((i) => i.getAttribute('data-check') ?? ''));
  return {
    verdict: (await result.getAttribute('data-verdict')) ?? '',
    summary: (await page.getByTestId('verify-summary').textContent())?.trim() ?? '',
    failed,
  };
}

beforeAll(async () => {
  await createTenant(tenant, 'Integrity console');
  admin = await createUser(tenant, 'admin');
  const now = new Date();
  logIds = await ingest(
    [1, 2, 3, 4, 5].map((m) =>
      envelopeAt(tenant, now, m, {
        eventType: 'repo.visibility_changed',
        resource: { type: 'repository', id: `r-${m}`, name: `repo-${m}` },
        changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
      }),
    ),
  );
  // Recorded "ten minutes ago", past the grace period, so an on-demand run seals them now rather
  // than in two minutes. recordedAt is not hashed: the entries stay exactly as ingest stored them.
  const recordedAt = Timestamp.fromMillis(Date.now() - PAST_GRACE_MS);
  await Promise.all(logIds.map((id) => adminDb().collection('audit_logs').doc(id).update({ recordedAt })));

  // The first sign-in of a fresh emulator starts the blocking auth functions: take that wait here,
  // not inside the browser's sign-in form.
  await signInWithClaims({ tenantId: tenant, role: 'auditor' });
  server = await serveStatic(BUILD);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await closeAdminApp();
});

describe('Verify and the Integrity page in Chromium', () => {
  it('passes on a real entry, fails on tampered ones naming the failed check, and lists the chain as valid', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, admin.email, PASSWORD);

      // Nothing is signed yet: Verify says so instead of passing or failing.
      const before = await verify(page, logIds[0]!);
      expect(before.verdict).toBe('pending');

      // Checkpoint now, from the Integrity page (the runCheckpoints callable).
      await page.getByRole('link', { name: 'Integrity', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/integrity');
      await page.getByTestId('checkpoint-now').click();
      await expect
        .poll(async () => (await page.getByTestId('job-message').textContent()) ?? '', { timeout: 60_000 })
        .toMatch(/^\d+ new checkpoints? \(#/);
      const rows = page.locator('[data-testid="checkpoint-row"]');
      await rows.first().waitFor({ timeout: 30_000 });
      const states = await rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-state')));
      expect(states.length).toBeGreaterThan(0);
      expect(states.every((s) => s === 'valid')).toBe(true);
      const stored = await adminDb().collection('audit_checkpoints').where('tenantId', '==', tenant).get();
      expect(stored.docs.reduce((n, d) => n + (d.get('count') as number), 0)).toBe(logIds.length);
      await screenshot(page, 'integrity-page');

      // An untouched entry: every check passes.
      const clean = await verify(page, logIds[0]!);
      expect(clean.failed).toEqual([]);
      expect(clean.verdict).toBe('verified');
      expect(clean.summary).toMatch(/^This entry is exactly as signed in checkpoint \d+/);
      expect(await page.locator('[data-testid="verify-result"] li[data-ok="true"]').count()).toBe(5);
      await screenshot(page, 'verify-pass');

      // Tamper 1: a field changed and the hash recomputed, so the entry is consistent with itself.
      const changed = adminDb().collection('audit_logs').doc(logIds[1]!);
      const entry = fromStored((await changed.get()).data()!);
      const forged = { ...entry, outcome: 'failure' as const };
      await changed.update({ outcome: 'failure', hash: entryHash(forged) });
      const rehashed = await verify(page, logIds[1]!);
      expect(rehashed.verdict).toBe('tampered');
      expect(rehashed.failed).toEqual(['signed']);
      expect(rehashed.summary).toMatch(/^This entry was changed after it was signed in checkpoint \d+/);
      expect(rehashed.summary).toContain(entry.hash.slice(0, 12));
      await screenshot(page, 'verify-tampered');

      // Tamper 2: a field changed and the hash left alone.
      await adminDb().collection('audit_logs').doc(logIds[2]!).update({ 'resource.name': 'renamed-after-signing' });
      const edited = await verify(page, logIds[2]!);
      expect(edited.verdict).toBe('tampered');
      expect(edited.failed).toEqual(['content', 'signed']);
      expect(edited.summary).toMatch(/a field was changed and the hash left alone/);

      // The untouched entries still verify, and the chain itself is still valid.
      expect((await verify(page, logIds[3]!)).verdict).toBe('verified');
      await page.goto(`${server.url}/integrity`);
      await rows.first().waitFor({ timeout: 30_000 });
      expect(await rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-state')))).toEqual(states);

      // Verify now (the runIntegrityCheck callable) records a run whose findings name both entries.
      await page.getByTestId('verify-now').click();
      await expect
        .poll(async () => (await page.getByTestId('job-message').textContent()) ?? '', { timeout: 120_000 })
        .toMatch(/^Verified .*: \d+ findings?\./);
      const run = page.getByTestId('integrity-run');
      await expect.poll(() => run.getAttribute('data-ok'), { timeout: 30_000 }).toBe('false');
      const findings = (await page.getByTestId('integrity-findings').textContent()) ?? '';
      expect(findings).toContain(logIds[1]!);
      expect(findings).toContain(logIds[2]!);
      expect(findings).not.toContain(logIds[0]!);
      await screenshot(page, 'integrity-run');
    } catch (err) {
      await screenshot(page, 'integrity-failure');
      throw err;
    } finally {
      await context.close();
    }
  }, 240_000);
});
