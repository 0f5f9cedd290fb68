import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { logIdFor, type AuditEntry } from '../../functions/src/domain';
import { adminDb, closeAdminApp, pubsubClient, requireEmulators, uniqueTenant, waitFor } from '../support/emulators';
import { searchRecorded } from './support/access-records';
import { launchBrowser, screenshot, signIn } from './support/browser';
import { exportFromPage } from './support/exports';
import {
  PASSWORD,
  buildEntries,
  createTenant,
  createUser,
  envelopeAt,
  writeEntries,
  type ConsoleUser,
} from './support/console-seed';
import { queryFromBrowser } from './support/direct-query';
import { serveStatic, type StaticServer } from './support/static-server';

// Storage too: an export from the page is written by the export worker and downloaded.
requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'PUBSUB', 'FIREBASE_STORAGE');

const BUILD = path.resolve(__dirname, '../../web/dist/audit-console/browser');
const tenantA = uniqueTenant('console-a');
const tenantB = uniqueTenant('console-b');
const now = new Date();
const correlationId = `corr-${tenantA}`;

let server: StaticServer;
let browser: Browser;
let adminA: ConsoleUser;
let memberA: ConsoleUser;
let entriesA: AuditEntry[];
let entriesB: AuditEntry[];
let adminContext: BrowserContext;
let adminPage: Page;

function seedA(): Array<Record<string, unknown>> {
  const at = (minutes: number, overrides: Record<string, unknown>) => envelopeAt(tenantA, now, minutes, overrides);
  const noResource = { resource: undefined };
  return [
    ...[5, 25, 45, 65, 85].map((m) => at(m, { eventType: 'auth.user.login', ...noResource })),
    ...[10, 30, 50].map((m) => at(m, { eventType: 'auth.login.failed', outcome: 'failure', ...noResource })),
    ...[15, 35, 55].map((m, i) =>
      at(m, {
        eventType: 'repo.created',
        resource: { type: 'repository', id: `r-new-${i}`, name: `new-${i}` },
        changes: { before: null, after: { name: `new-${i}`, visibility: 'private' } },
      }),
    ),
    ...[20, 40].map((m) =>
      at(m, {
        eventType: 'repo.visibility_changed',
        changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
      }),
    ),
    ...[12, 42].map((m) =>
      at(m, { eventType: 'security.anomaly.repeated_denials', actor: { type: 'system', id: 'anomaly-detector' } }),
    ),
    ...[22, 62].map((m) => at(m, { eventType: 'auth.mfa.disabled', ...noResource })),
    at(8, {
      eventType: 'repo.settings_updated',
      resource: { type: 'repository', id: 'r-diff', name: 'diff-demo' },
      changes: {
        before: { visibility: 'private', settings: { wiki: true, issues: true }, webhookSecret: 'old-secret-value' },
        after: { visibility: 'private', settings: { wiki: false, issues: true }, webhookSecret: 'new-secret-value' },
      },
      context: { correlationId },
    }),
    at(7, {
      eventType: 'repo.collaborator_added',
      resource: { type: 'repository', id: 'r-diff', name: 'diff-demo' },
      context: { correlationId },
    }),
    ...[3, 33, 63, 93].map((m, i) =>
      at(m, {
        eventType: 'issue.created',
        resource: { type: 'issue', id: `i-${i}`, name: `Issue ${i}` },
        changes: { before: null, after: { title: `Issue ${i}` } },
      }),
    ),
  ];
}

function seedB(): Array<Record<string, unknown>> {
  const bert = { type: 'user', id: 'u-bert', name: 'Bert Beta', email: 'bert@beta.example' };
  const at = (minutes: number, overrides: Record<string, unknown>) =>
    envelopeAt(tenantB, now, minutes, { actor: bert, ...overrides });
  return [
    ...[6, 16, 26].map((m) =>
      at(m, { eventType: 'security.beta_breach_marker', resource: { type: 'vault', id: 'v-beta' } }),
    ),
    ...[9, 19, 29, 39, 49].map((m) => at(m, { eventType: 'auth.user.login', resource: undefined })),
  ];
}

async function rowCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('row-count').textContent());
}

/** Waits for the first page of the current query (or its refusal) to be on screen. */
async function firstPageShown(page: Page): Promise<void> {
  await page.locator('[data-testid="first-page-ms"], [data-testid="load-problem"]').first().waitFor();
}

interface Stored {
  logId: string;
  category: string;
  level: string;
  operation: string;
  reviewStatus: string;
}

/**
 * What Firestore holds for a tenant, read with the Admin SDK: the ground truth. Review status is
 * in the entries' review docs (audit_reviews; entries never change), `none` without one.
 */
async function storedEntries(tenantId: string): Promise<Stored[]> {
  const [snap, reviews] = await Promise.all([
    adminDb().collection('audit_logs').where('tenantId', '==', tenantId).get(),
    adminDb().collection('audit_reviews').where('tenantId', '==', tenantId).get(),
  ]);
  const status = new Map(reviews.docs.map((d) => [d.id, d.get('status') as string]));
  return snap.docs.map((d) => ({
    logId: d.id,
    category: d.get('category') as string,
    level: d.get('level') as string,
    operation: d.get('operation') as string,
    reviewStatus: status.get(d.id) ?? 'none',
  }));
}

/**
 * Loads `url` until the table shows exactly the stored entries that `pick` selects. Other parts of
 * the system add entries to the tenant on their own (a sign-in is audited through the outbox), so
 * the expected set is read from Firestore rather than assumed.
 */
async function expectStoredRows(
  page: Page,
  url: string,
  pick: (e: Stored) => boolean,
  recorded: Record<string, string[]> = { range: ['7d'] },
): Promise<Stored[]> {
  const { truth } = await waitFor(
    async () => {
      const truth = (await storedEntries(tenantA)).filter(pick);
      // The search is itself recorded in the tenant (reads are audited): wait for that record, so
      // the next attempt's truth holds it instead of it landing between truth and query.
      return searchRecorded(tenantA, adminA.uid, recorded, async () => {
        await page.goto(url);
        await firstPageShown(page);
        return { truth, shown: await rowCount(page) };
      });
    },
    (v) => v.shown === v.truth.length,
    { timeoutMs: 30_000, intervalMs: 500, what: `the table to match Firestore at ${url}` },
  );
  return truth;
}

async function renderedIds(page: Page): Promise<string[]> {
  return page.locator('[data-log-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-log-id') ?? ''));
}

/**
 * From Log search, filters by operation CREATE through the filter bar, clicks Export, and checks
 * the downloaded NDJSON holds exactly the stored entries the filter selects.
 */
async function exportCreatedFromLogSearch(page: Page): Promise<void> {
  await page.goto(`${server.url}/logs`);
  await firstPageShown(page);
  await page.getByTestId('filter-operation').click();
  await page.getByRole('option', { name: 'Create' }).click();
  await page.keyboard.press('Escape');
  await page.getByTestId('filter-apply').click();
  await page.waitForURL((url) => url.searchParams.get('op') === 'CREATE');
  await firstPageShown(page);
  const created = (await storedEntries(tenantA)).filter((e) => e.operation === 'CREATE');
  // repo.created, issue.created and repo.collaborator_added: some, not all, of the tenant's entries.
  expect(created.length).toBe(entriesA.filter((e) => e.operation === 'CREATE').length);
  expect(created.length).toBeLessThan(entriesA.length);
  expect(await rowCount(page)).toBe(created.length);

  const exported = await exportFromPage(page, {
    filters: 'operation CREATE',
    format: 'ndjson',
    rows: created.length,
    shot: '02b-export-from-log-search',
  });
  expect(exported.map((r) => r.logId).sort()).toEqual(created.map((e) => e.logId).sort());
  expect(exported.every((r) => r.tenantId === tenantA && r.operation === 'CREATE')).toBe(true);
}

beforeAll(async () => {
  const db = adminDb();
  await Promise.all([createTenant(tenantA, 'Console A'), createTenant(tenantB, 'Console B')]);
  [adminA, memberA] = await Promise.all([createUser(tenantA, 'admin'), createUser(tenantA, 'member')]);
  await createUser(tenantB, 'admin');
  entriesA = buildEntries(seedA(), now);
  entriesB = buildEntries(seedB(), now);
  await writeEntries([...entriesA, ...entriesB]);

  // Warm the ingest function with another tenant's event, so the live-tail check measures the
  // console rather than the emulator's cold start.
  const warmTenant = uniqueTenant('console-warm');
  await createTenant(warmTenant, 'Warm-up');
  const warm = envelopeAt(warmTenant, new Date(), 0, { eventType: 'auth.user.login', resource: undefined });
  await pubsubClient().topic('audit-events').publishMessage({ json: warm });
  const warmId = logIdFor(warmTenant, warm.source as string, warm.eventId as string);
  await waitFor(
    () => db.collection('audit_logs').doc(warmId).get(),
    (s) => s.exists,
    { timeoutMs: 60_000, what: 'warm-up entry' },
  );

  server = await serveStatic(BUILD);
  browser = await launchBrowser();
  adminContext = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  adminPage = await adminContext.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await closeAdminApp();
});

describe('audit console in Chromium', () => {
  it('signs an admin of tenant A in and shows only tenant A', async () => {
    await signIn(adminPage, server.url, adminA.email, PASSWORD);
    const stored = await expectStoredRows(adminPage, `${server.url}/logs`, () => true);
    expect(stored.length).toBeGreaterThanOrEqual(entriesA.length);
    await expect.poll(() => adminPage.getByTestId('tenant-badge').textContent()).toContain(tenantA);

    const idsA = new Set(stored.map((e) => e.logId));
    const seen = new Set(await renderedIds(adminPage));
    // Walk to the end with the keyboard; the virtual table renders the rest.
    await adminPage.getByTestId('log-table').focus();
    await adminPage.keyboard.press('End');
    await adminPage.waitForFunction(
      (last) => document.querySelector(`[data-log-id="${last}"]`) !== null,
      [...entriesA].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))[0]?.logId,
    );
    for (const id of await renderedIds(adminPage)) seen.add(id);
    expect(seen.size).toBe(stored.length);
    expect([...seen].filter((id) => !idsA.has(id))).toEqual([]);
    expect(await adminPage.textContent('body')).not.toContain('Bert Beta');
    await adminPage.keyboard.press('Home');
    await screenshot(adminPage, '01-admin-a-log-search');
  });

  it('filters by category and level through the UI and returns exactly the matching rows', async () => {
    const isSecurityCritical = (e: { category: string; level: string }) =>
      e.category === 'SECURITY' && e.level === 'CRITICAL';
    const expected = (await storedEntries(tenantA)).filter(isSecurityCritical);
    expect(expected.length).toBe(entriesA.filter(isSecurityCritical).length);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(entriesA.length);

    await adminPage.getByTestId('filter-category').click();
    await adminPage.getByRole('option', { name: 'Security' }).click();
    await adminPage.keyboard.press('Escape');
    await adminPage.getByTestId('filter-level').click();
    await adminPage.getByRole('option', { name: 'Critical' }).click();
    await adminPage.keyboard.press('Escape');
    await adminPage.getByTestId('filter-apply').click();

    await adminPage.waitForURL(
      (url) => url.searchParams.get('category') === 'SECURITY' && url.searchParams.get('level') === 'CRITICAL',
    );
    await firstPageShown(adminPage);
    expect(await rowCount(adminPage)).toBe(expected.length);
    expect((await renderedIds(adminPage)).sort()).toEqual(expected.map((e) => e.logId).sort());
    await screenshot(adminPage, '02-filter-security-critical');

    // The same view from a shared link.
    await adminPage.goto(`${server.url}/logs?category=SECURITY&level=CRITICAL`);
    await firstPageShown(adminPage);
    expect(await rowCount(adminPage)).toBe(expected.length);
  });

  it('exports from Log search exactly the entries its filter shows (what was created)', async () => {
    // Its own signed-in window, so the export does not depend on the state earlier tests leave.
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, adminA.email, PASSWORD);
      await exportCreatedFromLogSearch(page);
    } finally {
      await context.close();
    }
    // The export worker may start cold on a loaded machine: its first job takes longer than a page.
  }, 180_000);

  it('refuses a filter combination no index serves, with a clear message', async () => {
    await adminPage.goto(`${server.url}/logs?actor=u-alice&q=alice`);
    const problem = adminPage.getByTestId('load-problem');
    await problem.waitFor();
    expect(await problem.getAttribute('data-code')).toBe('unsupported_combination');
    expect(await problem.textContent()).toContain('actor and keyword together is not supported');
    expect(await adminPage.getByTestId('filter-apply').isDisabled()).toBe(true);
    await screenshot(adminPage, '03-unsupported-combination');
  });

  it('opens an entry and shows its diff, redactions and related entries', async () => {
    const target = entriesA.find((e) => e.eventType === 'repo.settings_updated');
    const related = entriesA.find((e) => e.eventType === 'repo.collaborator_added');
    expect(target && related).toBeTruthy();
    await adminPage.goto(`${server.url}/logs?type=repo.settings_updated`);
    await firstPageShown(adminPage);
    expect(await rowCount(adminPage)).toBe(1);
    await adminPage.locator(`[data-log-id="${target?.logId}"]`).click();
    await adminPage.waitForURL(`**/logs/${target?.logId}`);

    const diff = adminPage.getByTestId('diff');
    await diff.waitFor();
    expect(await adminPage.getByTestId('entry-title').textContent()).toContain('repo.settings_updated');
    expect(await diff.locator('tr[data-path="settings.wiki"]').getAttribute('data-changed')).toBe('true');
    expect(await diff.locator('tr[data-path="settings.wiki"] td.before').textContent()).toContain('true');
    expect(await diff.locator('tr[data-path="settings.wiki"] td.after').textContent()).toContain('false');
    expect(await diff.locator('tr[data-path="settings.issues"]').getAttribute('data-changed')).toBe('false');
    expect(await diff.locator('tr[data-path="webhookSecret"] .redaction').count()).toBe(2);
    expect(await diff.textContent()).not.toContain('old-secret-value');
    await adminPage.locator(`[data-testid="related"] a[href="/logs/${related?.logId}"]`).waitFor();
    await screenshot(adminPage, '04-entry-detail-diff');
  });

  it('refuses another tenant from the browser: crafted link and direct query', async () => {
    const foreign = entriesB[0];
    await adminPage.goto(`${server.url}/logs/${foreign?.logId}`);
    const error = adminPage.getByTestId('entry-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('permission-denied');
    expect(await adminPage.textContent('body')).not.toContain('Bert Beta');
    await screenshot(adminPage, '05-foreign-entry-denied');

    const own = await queryFromBrowser(adminPage, tenantA);
    expect(own.status).toBe(200);
    expect(own.docs).toBeGreaterThan(0);
    const other = await queryFromBrowser(adminPage, tenantB);
    expect(other.status).toBe(403);
    expect(other.body).toContain('PERMISSION_DENIED');

    // A tenant in the URL is not a filter the console honours: the claims decide. Tenant A's ids
    // are read after the page, so reads recorded meanwhile (entries of tenant A) are among them.
    await adminPage.goto(`${server.url}/logs?tenant=${tenantB}&tenantId=${tenantB}`);
    await firstPageShown(adminPage);
    const idsA = new Set((await storedEntries(tenantA)).map((e) => e.logId));
    expect(await rowCount(adminPage)).toBeGreaterThanOrEqual(entriesA.length);
    expect((await renderedIds(adminPage)).filter((id) => !idsA.has(id))).toEqual([]);
  });

  it('streams an event published during the test to the top within 5 s (live tail)', async () => {
    // This search's own read record lands first, so the tail's newest row is the published event.
    await searchRecorded(tenantA, adminA.uid, { range: ['24h'] }, async () => {
      await adminPage.goto(`${server.url}/logs?range=24h`);
      await firstPageShown(adminPage);
    });
    await adminPage.getByRole('switch', { name: 'Live tail' }).click();
    await expect
      .poll(() => adminPage.getByRole('switch', { name: 'Live tail' }).getAttribute('aria-checked'))
      .toBe('true');

    const event = envelopeAt(tenantA, new Date(), 0, {
      eventType: 'repo.deleted',
      resource: { type: 'repository', id: 'r-live', name: 'live-tail-demo' },
      changes: { before: { name: 'live-tail-demo' }, after: null },
    });
    const logId = logIdFor(tenantA, event.source as string, event.eventId as string);
    const started = Date.now();
    await pubsubClient().topic('audit-events').publishMessage({ json: event });
    await adminPage.locator(`[data-log-id="${logId}"]`).waitFor({ timeout: 5_000 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(5_000);
    // Newest first: the tailed entry is the first row.
    expect((await renderedIds(adminPage))[0]).toBe(logId);
    // Other parts of the system may audit something meanwhile, so at least this one is counted.
    const tailed = Number(/(\d+) new/.exec((await adminPage.getByTestId('tail-count').textContent()) ?? '')?.[1]);
    expect(tailed).toBeGreaterThanOrEqual(1);
    console.log(`live tail: published → shown in ${elapsed} ms`);
    await screenshot(adminPage, '06-live-tail');
  });

  it('shows a member a clear "no access" page and no data', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, memberA.email, PASSWORD);
      await page.getByTestId('no-access').waitFor();
      expect(new URL(page.url()).pathname).toBe('/no-access');
      await page.goto(`${server.url}/logs?range=all`);
      await page.getByTestId('no-access').waitFor();
      expect(await page.getByTestId('log-table').count()).toBe(0);
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').count()).toBe(0);
      // The rules agree: the member's own token cannot read the tenant's entries either.
      const direct = await queryFromBrowser(page, tenantA);
      expect(direct.status).toBe(403);
      await screenshot(page, '07-member-no-access');
    } finally {
      await context.close();
    }
  });

  it('draws the dashboard from aggregation queries and daily rollups', async () => {
    await adminPage.goto(`${server.url}/dashboard`);
    const critical = adminPage.getByTestId('kpi-critical');
    await critical.waitFor();
    const stored = await storedEntries(tenantA);
    const openCritical = stored.filter(
      (e) => e.level === 'CRITICAL' && ['pending', 'investigating', 'escalated'].includes(e.reviewStatus),
    ).length;
    expect(openCritical).toBeGreaterThan(0);
    await expect.poll(async () => Number(await critical.locator('.value').textContent())).toBe(openCritical);
    const pending = stored.filter((e) => e.reviewStatus === 'pending').length;
    expect(Number(await adminPage.getByTestId('kpi-pending').locator('.value').textContent())).toBe(pending);
    // The period's total comes from the daily rollups, which an admin computes now (runRollups):
    // it must equal what Firestore holds over the 30 days (computed again if entries arrived since).
    const periodStart = new Date(`${new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z`);
    const inPeriod = async () =>
      (
        await adminDb()
          .collection('audit_logs')
          .where('tenantId', '==', tenantA)
          .where('occurredAt', '>=', periodStart)
          .count()
          .get()
      ).data().count;
    await adminPage.getByTestId('compute-rollups').click();
    await expect
      .poll(
        async () => {
          const shown = Number(await adminPage.getByTestId('kpi-total').locator('.value').textContent());
          const held = await inPeriod();
          if (shown !== held && (await adminPage.getByTestId('compute-rollups').isEnabled())) {
            await adminPage.getByTestId('compute-rollups').click();
          }
          return shown === held && held > 0;
        },
        { timeout: 90_000, interval: 3_000 },
      )
      .toBe(true);
    // Charts are drawn on canvases once ECharts has been loaded lazily.
    await adminPage.waitForFunction(() => document.querySelectorAll('app-chart canvas').length === 4);
    // A taller window, so the screenshot shows every chart (the page scrolls inside the shell).
    await adminPage.setViewportSize({ width: 1400, height: 1300 });
    await adminPage.waitForFunction(() =>
      [...document.querySelectorAll('app-chart canvas')].every((c) => c.clientHeight > 0),
    );
    await screenshot(adminPage, '08-dashboard');
    await adminPage.setViewportSize({ width: 1400, height: 900 });
  });

  it('works on a phone-sized screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, adminA.email, PASSWORD);
      await page.goto(`${server.url}/logs?range=24h`);
      await firstPageShown(page);
      await page.getByRole('button', { name: 'Toggle navigation' }).waitFor();
      await screenshot(page, '09-phone-log-search');
    } finally {
      await context.close();
    }
  });
});
