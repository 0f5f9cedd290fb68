import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AuditEntry } from '../../functions/src/domain';
import { ERASED } from '../../functions/src/domain/privacy';
import { DataKeyStore } from '../../functions/src/privacy/data-keys';
import { callCallable, signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { screenshot } from './support/browser';
import { createUser, envelopeAt, writeEntries, type ConsoleUser } from './support/console-seed';
import { openSignedInConsole } from './support/console-session';
import { devKek, sealedEntries } from '../support/privacy';
import type { StaticServer } from './support/static-server';

// The console on a tenant that seals personal data: the log table shows the actors' names opened
// through `revealEntries` (never the ciphertext), and after an erasure approved by a second
// compliance officer it shows the erased subject as "[erased]" while the other stays readable.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH');

const BUILD = path.resolve(__dirname, '../../web/dist/audit-console/browser');
const tenant = uniqueTenant('privacy-console');
const ADA = { type: 'user', id: 'u-ada', name: 'Ada Lovelace', email: 'ada@example.com' };
const GRACE = { type: 'user', id: 'u-grace', name: 'Grace Hopper', email: 'grace@example.com' };

let server: StaticServer;
let browser: Browser;
let page: Page;
let auditor: ConsoleUser;
let ada: AuditEntry;
let grace: AuditEntry;

/** Entries sealed as ingest seals them, with the key store the functions use. */
/** Ada's and Grace's entries, sealed as Pub/Sub ingest seals them. */
function sealedFixtures(): Promise<AuditEntry[]> {
  const now = new Date();
  return sealedEntries(
    [ADA, GRACE].map((actor, i) => envelopeAt(tenant, now, i + 1, { eventType: 'repo.created', actor })),
    new DataKeyStore(adminDb(), devKek()),
    { transport: { via: 'pubsub' }, now: () => now },
  );
}

/** The actor cell of an entry's row, once the first page is shown. */
async function actorCell(logId: string): Promise<string> {
  await page.goto(`${server.url}/logs?range=24h`);
  await page.locator('[data-testid="first-page-ms"], [data-testid="load-problem"]').first().waitFor();
  const cell = page.locator(`[data-log-id="${logId}"] .c-actor`);
  await cell.waitFor();
  return (await cell.textContent())?.trim() ?? '';
}

/** The text of an entry's page. */
async function entryPage(logId: string): Promise<string> {
  await page.goto(`${server.url}/logs/${logId}`);
  await page.getByTestId('entry-title').waitFor();
  await page.getByText('Ada Lovelace').or(page.getByText(ERASED).first()).first().waitFor();
  return (await page.locator('body').textContent()) ?? '';
}

beforeAll(async () => {
  await adminDb()
    .collection('tenants')
    .doc(tenant)
    .set({ name: 'Privacy console', retentionDays: 90, privacy: { encryptPersonalData: true } });
  auditor = await createUser(tenant, 'auditor');
  [ada, grace] = (await sealedFixtures()) as [AuditEntry, AuditEntry];
  await writeEntries([ada, grace]);
  ({ server, browser, page } = await openSignedInConsole(BUILD, auditor));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await closeAdminApp();
});

describe('sealed personal data in the console', () => {
  it("shows the actors' names opened, never the ciphertext", async () => {
    expect(String(ada.actor.name)).toMatch(/^enc:v1:/);
    expect(await actorCell(ada.logId)).toBe('Ada Lovelace');
    expect(await actorCell(grace.logId)).toBe('Grace Hopper');
    expect(await page.getByTestId('log-table').textContent()).not.toContain('enc:v1:');
    await screenshot(page, 'privacy-revealed');
    const detail = await entryPage(ada.logId);
    expect(detail).toContain('ada@example.com');
    expect(detail).not.toContain('enc:v1:');
  });

  it('finds a person by e-mail through the blind index, sealed entries included', async () => {
    // The stored tokens hold no clear address: only the server's blind token can match.
    expect(ada.searchTokens.some((t) => t.includes('ada@'))).toBe(false);
    await page.goto(`${server.url}/logs?range=24h&email=${encodeURIComponent('ADA@example.com')}`);
    await page.locator('[data-testid="first-page-ms"], [data-testid="load-problem"]').first().waitFor();
    expect(await page.getByTestId('load-problem').count()).toBe(0);
    const rows = page.locator('[data-log-id]');
    await page.locator(`[data-log-id="${ada.logId}"]`).waitFor();
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-log-id')))).toEqual([ada.logId]);
    expect(await page.locator(`[data-log-id="${ada.logId}"] .c-actor`).textContent()).toContain('Ada Lovelace');
    await screenshot(page, 'privacy-search-by-email');
  });

  it('shows an erased subject as erased, and the other still readable', async () => {
    const officer = await signInWithClaims({ tenantId: tenant, role: 'compliance' });
    const second = await signInWithClaims({ tenantId: tenant, role: 'compliance' });
    const requested = await callCallable(
      'requestErasure',
      { subject: 'u-ada', reason: 'art. 17 request' },
      officer.idToken,
    );
    expect(requested.status, JSON.stringify(requested.body)).toBe(200);
    const { erasureId } = requested.body.result as { erasureId: string };
    const approved = await callCallable('approveErasure', { erasureId }, second.idToken);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    // Other instances forget the key within their cache's time-to-live (10 s).
    await waitFor(
      () => actorCell(ada.logId),
      (text) => text === ERASED,
      {
        timeoutMs: 45_000,
        intervalMs: 2_000,
        what: 'the console to show the erased subject',
      },
    );
    expect(await actorCell(grace.logId)).toBe('Grace Hopper');
    expect(await page.getByTestId('log-table').textContent()).not.toContain('Ada Lovelace');
    await screenshot(page, 'privacy-erased');
    const detail = await entryPage(ada.logId);
    expect(detail).toContain(ERASED);
    expect(detail).not.toContain('ada@example.com');
    expect(detail).not.toContain('enc:v1:');
  });
});
