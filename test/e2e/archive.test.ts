import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AuditEntry } from '../../functions/src/domain';
import { callCallable, signInWithClaims } from '../support/api-client';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { archivesOf, countExisting, dateDaysAgo, entriesOn, seed } from '../support/tiering';
import { launchBrowser, screenshot, signIn } from './support/browser';
import { PASSWORD, createTenant, createUser, type ConsoleUser } from './support/console-seed';
import { serveStatic, type StaticServer } from './support/static-server';

// The Archive page in a real browser against the emulators: entries older than the warm retention
// are archived by the real tiering job (the `runTiering` callable), then a tenant admin sees the
// archived days live, searches the Parquet files with the console's filter bar page by page, and
// restores one day to Firestore; an auditor sees the same list without the restore action.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'FIREBASE_STORAGE');

const BUILD = path.resolve(__dirname, '../../web/dist/audit-console/browser');
const tenant = uniqueTenant('console-archive');
const day1 = dateDaysAgo(150);
const day2 = dateDaysAgo(120);
// 70 entries: more than one page (50) of an unfiltered cold search.
const entries1 = entriesOn(tenant, day1, 40, 'arch');
const entries2 = entriesOn(tenant, day2, 30, 'arch');
const all = [...entries1, ...entries2];

let server: StaticServer;
let browser: Browser;
let admin: ConsoleUser;
let auditor: ConsoleUser;

/** Newest first, as both hot and cold search order entries (every seeded entry has its own millisecond). */
function newestFirst(list: readonly AuditEntry[]): string[] {
  return [...list].sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt)).map((e) => e.logId);
}

function row(page: Page, date: string) {
  return page.locator(`[data-testid="archive-row"][data-date="${date}"]`);
}

async function shownLogIds(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="cold-row"]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-log-id') ?? ''));
}

/** Presses Apply in the archive page's filter bar (each press runs a new search). */
async function applySearch(page: Page): Promise<void> {
  await page.locator('app-cold-search [data-testid="filter-apply"]').click();
}

/** Waits until the results table shows exactly `expected` (a previous search's rows may linger a moment). */
async function expectResults(page: Page, expected: readonly string[]): Promise<void> {
  await expect.poll(() => shownLogIds(page), { timeout: 60_000, interval: 250 }).toEqual(expected);
  await page.locator('[data-testid="cold-status"][data-state="ready"]').waitFor();
}

beforeAll(async () => {
  await createTenant(tenant, 'Archive console');
  [admin, auditor] = await Promise.all([createUser(tenant, 'admin'), createUser(tenant, 'auditor')]);
  await seed(adminDb(), all);

  // The tiering job, on demand, as a tenant admin would run it.
  const jobAdmin = await signInWithClaims({ tenantId: tenant, role: 'admin' });
  const answer = await callCallable('runTiering', {}, jobAdmin.idToken);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const report = (answer.body as { result: { failures: number; days: Array<{ date: string; status: string }> } })
    .result;
  expect(report.failures).toBe(0);
  expect(report.days.map((d) => `${d.date}/${d.status}`).sort()).toEqual([`${day1}/archived`, `${day2}/archived`]);
  expect(
    await countExisting(
      adminDb(),
      all.map((e) => e.logId),
    ),
  ).toBe(0);

  server = await serveStatic(BUILD);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await closeAdminApp();
});

describe('archive page in Chromium', () => {
  it('a tenant admin sees the archived days, searches them page by page and restores a day', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, admin.email, PASSWORD);
      await page.goto(`${server.url}/archive`);

      // The list is the tiering job's catalog, live: day, rows, root and state as stored.
      await row(page, day1).waitFor({ timeout: 30_000 });
      expect((await row(page, day1).getByTestId('archive-rows').textContent())?.trim()).toBe('40');
      expect((await row(page, day2).getByTestId('archive-rows').textContent())?.trim()).toBe('30');
      expect(await row(page, day1).getAttribute('data-state')).toBe('archived');
      const stored = [...(await archivesOf(adminDb(), tenant)).values()].find((a) => a.date === day1)!;
      expect(await row(page, day1).getByTestId('archive-root').getAttribute('data-root')).toBe(stored.merkleRoot);
      expect(await page.getByTestId('archive-restore').count()).toBe(2);

      // No filters: every archived entry, newest first, over two pages.
      await applySearch(page);
      await expectResults(page, newestFirst(all).slice(0, 50));
      await page.getByTestId('cold-more').click();
      await expectResults(page, newestFirst(all));
      expect(await page.getByTestId('cold-more').count()).toBe(0);

      // The console's filters narrow the cold search to known entries.
      const known = all.filter((e) => e.eventType === 'auth.login.failed' && e.actor.id === 'u-2');
      expect(known.length).toBeGreaterThan(1);
      await page.locator('app-cold-search input[name="eventType"]').fill('auth.login.failed');
      await page.locator('app-cold-search input[name="actorId"]').fill('u-2');
      await applySearch(page);
      await expectResults(page, newestFirst(known));
      expect((await page.getByTestId('cold-count').textContent())?.trim()).toBe(String(known.length));
      await screenshot(page, 'archive-search');

      // A filter nothing archived matches shows the empty state, not an empty table.
      await page.locator('app-cold-search input[name="actorId"]').fill('nobody-at-all');
      await applySearch(page);
      await page.getByTestId('cold-empty').waitFor({ timeout: 60_000 });
      expect(await page.locator('[data-testid="cold-row"]').count()).toBe(0);

      // Restore the older day through the confirmation dialog.
      await row(page, day1).getByTestId('archive-restore').click();
      await page.getByTestId('restore-confirm').click();
      const result = page.getByTestId('restore-result');
      await result.waitFor({ timeout: 120_000 });
      expect(await result.getAttribute('data-restored')).toBe('40');
      expect(await result.textContent()).toContain(`Restored 40 entries of ${day1}`);
      await screenshot(page, 'archive-restore');

      await waitFor(
        () =>
          countExisting(
            adminDb(),
            entries1.map((e) => e.logId),
          ),
        (n) => n === entries1.length,
        { timeoutMs: 30_000, what: 'the restored entries in Firestore' },
      );
      expect(
        await countExisting(
          adminDb(),
          entries2.map((e) => e.logId),
        ),
      ).toBe(0);
      await page.getByRole('button', { name: 'Close' }).click();
      // The list follows the catalog live.
      await expect.poll(() => row(page, day1).getAttribute('data-state'), { timeout: 15_000 }).toBe('restored');
      await screenshot(page, 'archive-restored-list');
    } finally {
      await context.close();
    }
  }, 300_000);

  it('an auditor sees the archive list from the navigation but no restore action', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, auditor.email, PASSWORD);
      await page.goto(`${server.url}/dashboard`);
      await page.getByRole('link', { name: 'Archive', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/archive');
      await row(page, day2).waitFor({ timeout: 30_000 });
      expect((await row(page, day2).getByTestId('archive-rows').textContent())?.trim()).toBe('30');
      expect(await page.locator('[data-testid="archive-row"]').count()).toBe(2);
      expect(await page.getByTestId('archive-restore').count()).toBe(0);
      await screenshot(page, 'archive-auditor');
    } finally {
      await context.close();
    }
  });
});
