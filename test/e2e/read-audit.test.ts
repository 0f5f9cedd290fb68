import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AuditEntry } from '../../functions/src/domain';
import { closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { accessRecords, waitForAccessRecords } from './support/access-records';
import { screenshot } from './support/browser';
import {
  buildEntries,
  createTenant,
  createUser,
  envelopeAt,
  writeEntries,
  type ConsoleUser,
} from './support/console-seed';
import { openSignedInConsole } from './support/console-session';
import type { StaticServer } from './support/static-server';

// The console reads Firestore directly, so it reports its reads: one `audit.log.searched` per
// distinct query (not per page scrolled), one `audit.entry.viewed` per entry opened.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH');

const BUILD = path.resolve(__dirname, '../../web/dist/audit-console/browser');
const tenant = uniqueTenant('reads-console');
const SEARCHED = 'audit.log.searched';
const VIEWED = 'audit.entry.viewed';
/** More than one page of the table (200 rows), so scrolling to the end loads a second page. */
const CREATED = 230;

let server: StaticServer;
let browser: Browser;
let auditor: ConsoleUser;
let page: Page;
let entries: AuditEntry[];

async function firstPageShown(p: Page): Promise<void> {
  await p.locator('[data-testid="first-page-ms"], [data-testid="load-problem"]').first().waitFor();
}

beforeAll(async () => {
  await createTenant(tenant, 'Reads audited');
  auditor = await createUser(tenant, 'auditor');
  const now = new Date();
  entries = buildEntries(
    Array.from({ length: CREATED }, (_, i) =>
      envelopeAt(tenant, now, i + 1, {
        eventType: 'repo.created',
        resource: { type: 'repository', id: `r-${i}`, name: `repo-${i}` },
        changes: { before: null, after: { name: `repo-${i}` } },
      }),
    ),
    now,
  );
  await writeEntries(entries);
  ({ server, browser, page } = await openSignedInConsole(BUILD, auditor));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await closeAdminApp();
});

describe('reads in the console are audited', () => {
  it('records a search once, with its filters, however many pages are scrolled', async () => {
    expect(await accessRecords(tenant, auditor.uid, SEARCHED)).toEqual([]);
    await page.goto(`${server.url}/logs?type=repo.created&range=24h`);
    await firstPageShown(page);
    const [search] = await waitForAccessRecords(tenant, auditor.uid, SEARCHED, 1);
    expect(search?.after).toEqual({
      view: 'log_search',
      filters: { range: ['24h'], type: ['repo.created'] },
      returned: 200,
    });

    // Scroll to the end: the second page loads, and is part of the same query.
    const oldest = [...entries].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))[0]!.logId;
    await page.getByTestId('log-table').focus();
    await page.keyboard.press('End');
    await expect.poll(async () => Number(await page.getByTestId('row-count').textContent())).toBe(CREATED);
    // The virtual table renders rows near the viewport: go to the new end to show the oldest.
    await page.keyboard.press('End');
    await page.locator(`[data-log-id="${oldest}"]`).waitFor();
    await screenshot(page, 'reads-audited-search');

    // Open an entry: one view. Its record arriving after the scroll proves nothing else was in flight.
    await page.locator(`[data-log-id="${oldest}"]`).click();
    await page.waitForURL(`**/logs/${oldest}`);
    await page.getByTestId('entry-title').waitFor();
    const [view] = await waitForAccessRecords(tenant, auditor.uid, VIEWED, 1);
    expect(view?.after).toEqual({ view: 'entry_detail', logId: oldest });
    expect(await accessRecords(tenant, auditor.uid, SEARCHED)).toHaveLength(1);
  });

  it('records another query as another search, and nothing more for the view', async () => {
    await page.goto(`${server.url}/logs?type=${SEARCHED}&range=24h`);
    await firstPageShown(page);
    // Reading the read records is one more read, not one per row: the table shows the first search.
    expect(Number(await page.getByTestId('row-count').textContent())).toBe(1);
    const searches = await waitForAccessRecords(tenant, auditor.uid, SEARCHED, 2);
    expect(searches.map((s) => s.after.filters?.type)).toEqual(expect.arrayContaining([['repo.created'], [SEARCHED]]));
    expect(searches).toHaveLength(2);
    expect(await accessRecords(tenant, auditor.uid, VIEWED)).toHaveLength(1);
  });
});
