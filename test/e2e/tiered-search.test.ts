import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AuditEntry } from '../../functions/src/domain';
import { callCallable, signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { countExisting, dateDaysAgo, entriesOn, seed } from '../support/tiering';
import { launchBrowser, screenshot, signIn } from './support/browser';
import { exportFromPage } from './support/exports';
import { PASSWORD, createTenant, createUser, type ConsoleUser } from './support/console-seed';
import { serveStatic, type StaticServer } from './support/static-server';

// One search across the warm and the archived tier in a real browser: a tenant's old days are
// archived by the real tiering job, its recent days stay in Firestore, and Log search over a range
// spanning both shows every entry in one table, newest first, archived rows marked; an archived
// entry opens in entry detail, read from its archive; the page's Export writes the same entries of
// both tiers to a file; entity history reaches archived days too.

// Storage holds the archives and the export files; Functions run the tiering job and the export worker.
requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');

const BUILD = path.resolve(__dirname, '../../web/dist/audit-console/browser');
const tenant = uniqueTenant('console-tiers');
const oldDay = dateDaysAgo(140);
const olderDay = dateDaysAgo(170);
const warmDay = dateDaysAgo(6);
const archived = [...entriesOn(tenant, olderDay, 9, 'old'), ...entriesOn(tenant, oldDay, 8, 'old')];
const warm = entriesOn(tenant, warmDay, 10, 'warm');
const archivedIds = new Set(archived.map((e) => e.logId));
// From the older archived day to the start of yesterday: the tiering job records its own entries now.
const from = `${olderDay}T00:00:00.000Z`;
const to = `${dateDaysAgo(1)}T00:00:00.000Z`;

let server: StaticServer;
let browser: Browser;
let auditor: ConsoleUser;

function newestFirst(list: readonly AuditEntry[]): string[] {
  return [...list].sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt)).map((e) => e.logId);
}

async function shownIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="log-table"] [data-log-id]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-log-id') ?? ''));
}

/** The tenant's records of reads of its log (the auditor's searches and views). */
async function readRecords(): Promise<string[]> {
  const snap = await adminDb()
    .collection('audit_logs')
    .where('tenantId', '==', tenant)
    .where('source', '==', 'audit-access')
    .get();
  return snap.docs.map((d) => String(d.get('eventType')));
}

async function markedIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="log-table"] [data-log-id]:has([data-testid="archived-marker"])')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-log-id') ?? ''));
}

beforeAll(async () => {
  await createTenant(tenant, 'Tiers console');
  auditor = await createUser(tenant, 'auditor');
  // Signed in before seeding: the sign-in blocking function is slow while the seed's triggers run.
  const jobAdmin = await signInWithClaims({ tenantId: tenant, role: 'admin' });
  await seed(adminDb(), [...archived, ...warm]);
  const answer = await callCallable('runTiering', {}, jobAdmin.idToken);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect((answer.body as { result: { failures: number } }).result.failures).toBe(0);
  expect(await countExisting(adminDb(), [...archivedIds])).toBe(0);
  expect(
    await countExisting(
      adminDb(),
      warm.map((e) => e.logId),
    ),
  ).toBe(warm.length);
  server = await serveStatic(BUILD);
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await closeAdminApp();
});

describe('one search across warm and archived days, in Chromium', () => {
  it('lists both tiers newest first with archived rows marked, and opens an archived entry', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, auditor.email, PASSWORD);
      await page.goto(`${server.url}/logs?range=custom&from=${from}&to=${to}`);

      const expected = newestFirst([...archived, ...warm]);
      await expect.poll(() => shownIds(page), { timeout: 60_000, interval: 250 }).toEqual(expected);
      await page.locator('[data-testid="log-status"][data-state="ready"]').waitFor();
      expect((await page.getByTestId('row-count').textContent())?.trim()).toBe(String(expected.length));
      // The console's report and the archive pages it read are one record of one query.
      await expect.poll(readRecords, { timeout: 30_000, interval: 250 }).toHaveLength(1);
      await page.getByTestId('with-archive').waitFor();
      expect(await markedIds(page)).toEqual(expected.filter((id) => archivedIds.has(id)));
      await screenshot(page, 'tiered-search');

      // A range of warm days only: no archive row, no archive marker in the status line.
      await page.goto(`${server.url}/logs?range=custom&from=${warmDay}T00:00:00.000Z&to=${to}`);
      await expect.poll(() => shownIds(page), { timeout: 60_000, interval: 250 }).toEqual(newestFirst(warm));
      expect(await page.getByTestId('with-archive').count()).toBe(0);
      expect(await markedIds(page)).toEqual([]);
      // Its report is on its way once the page shows; leaving before it lands would lose it.
      await expect.poll(readRecords, { timeout: 30_000, interval: 250 }).toHaveLength(2);

      // Entry detail of an archived row, read from its archive.
      await page.goto(`${server.url}/logs?range=custom&from=${from}&to=${to}`);
      const target = archived.find((e) => e.changes !== undefined)!;
      const row = page.locator(`[data-testid="log-table"] [data-log-id="${target.logId}"]`);
      await row.waitFor({ timeout: 60_000 });
      await row.click();
      await page.waitForURL((url) => url.pathname === `/logs/${target.logId}`);
      expect(new URL(page.url()).searchParams.get('archivedDay')).toBe(target.occurredAt.slice(0, 10));
      await page.getByTestId('entry-archived').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('entry-title').textContent()).toContain(target.eventType);
      expect(await page.locator('body').textContent()).toContain(target.hash);
      expect(await page.getByTestId('entry-error').count()).toBe(0);
      await screenshot(page, 'tiered-entry-detail');
      // Four reads, four records: the merged search twice, the warm search, the archived entry
      // (its archive read and its view's report are one). The next test checks no more came.
      await expect.poll(readRecords, { timeout: 30_000, interval: 250 }).toHaveLength(4);
    } finally {
      await context.close();
    }
  }, 240_000);

  it('exports from Log search over warm and archived days exactly the entries of both tiers', async () => {
    // Nothing of the previous test's reads was recorded late, or twice.
    expect(await readRecords()).toHaveLength(4);
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, auditor.email, PASSWORD);
      await page.goto(`${server.url}/logs?range=custom&from=${from}&to=${to}`);
      const expected = newestFirst([...archived, ...warm]);
      await expect.poll(() => shownIds(page), { timeout: 60_000, interval: 250 }).toEqual(expected);
      await page.getByTestId('with-archive').waitFor();

      const exported = await exportFromPage(page, { format: 'json', rows: expected.length, shot: 'tiered-export' });
      // The file is written newest first across both tiers, as the page lists them.
      expect(exported.map((r) => r.logId)).toEqual(expected);
      expect(exported.filter((r) => archivedIds.has(r.logId)).map((r) => r.logId)).toEqual(newestFirst(archived));
      expect(exported.filter((r) => !archivedIds.has(r.logId)).map((r) => r.logId)).toEqual(newestFirst(warm));
      expect(exported.every((r) => r.tenantId === tenant)).toBe(true);
    } finally {
      await context.close();
    }
    // The export worker may start cold on a loaded machine: its first job takes longer than a page.
  }, 240_000);

  it('entity history over all time includes the archived entries of the resource', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, auditor.email, PASSWORD);
      const about = [...archived, ...warm].filter((e) => e.resource?.type === 'repository' && e.resource.id === 'r-1');
      expect(about.some((e) => archivedIds.has(e.logId))).toBe(true);
      await page.goto(`${server.url}/entities/repository/r-1?range=custom&from=${from}&to=${to}`);
      await expect.poll(() => shownIds(page), { timeout: 60_000, interval: 250 }).toEqual(newestFirst(about));
      expect(await markedIds(page)).toEqual(newestFirst(about).filter((id) => archivedIds.has(id)));
    } finally {
      await context.close();
    }
  }, 120_000);
});
