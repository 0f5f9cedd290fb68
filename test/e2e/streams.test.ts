import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { adminDb, closeAdminApp, requireEmulators, uniqueTenant } from '../support/emulators';
import { screenshot } from './support/browser';
import { createTenant, createUser, type ConsoleUser } from './support/console-seed';
import { openSignedInConsole } from './support/console-session';
import type { StaticServer } from './support/static-server';

// The Streams page in Chromium against the real callables: a tenant admin creates a Pub/Sub and a
// Storage stream with the kind selector, sees the server's field problems beside the right field,
// and sees each stream's destination and health (a topic that does not exist yet) in the list.

requireEmulators('FIRESTORE', 'FIREBASE_AUTH', 'PUBSUB');

const BUILD = path.resolve(__dirname, '../../web/dist/audit-console/browser');
const BUCKET = 'demo-auditlog.appspot.com';
const tenant = uniqueTenant('streams-console');
const db = adminDb();

let server: StaticServer;
let browser: Browser;
let admin: ConsoleUser;
let page: Page;

beforeAll(async () => {
  await createTenant(tenant, 'Streams');
  admin = await createUser(tenant, 'admin');
  ({ server, browser, page } = await openSignedInConsole(BUILD, admin));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await closeAdminApp();
});

async function chooseKind(label: string): Promise<void> {
  await page.getByTestId('stream-kind').click();
  await page.getByRole('option', { name: label }).click();
}

async function create(): Promise<void> {
  await page.getByRole('button', { name: 'Create' }).click();
}

const form = () => page.locator('form.create');

describe('the Streams page', () => {
  it('creates a Pub/Sub stream, refusing another topic of the project beside the topic field', async () => {
    await page.goto(`${server.url}/streams`);
    await page.getByText('No streams yet.').waitFor();
    await chooseKind('Pub/Sub topic');
    await expect.poll(() => page.locator('input[name="url"]').count()).toBe(0);
    await page.getByLabel('Name', { exact: true }).fill('SIEM topic');
    await page.getByLabel('Topic', { exact: true }).fill('audit-events');
    await create();
    await form().getByText(`must be "sinks.${tenant}"`, { exact: false }).waitFor();

    await page.getByLabel('Topic', { exact: true }).fill(`sinks.${tenant}.siem`);
    await create();
    await expect.poll(() => page.getByTestId('stream-secret').textContent()).toMatch(/whsec_/);
    const row = page.locator('tr[data-sink]', { hasText: 'SIEM topic' });
    await expect
      .poll(() => row.getByTestId('stream-destination').textContent())
      .toContain(`pubsub · projects/demo-auditlog/topics/sinks.${tenant}.siem`);

    // The topic does not exist yet. Once the stream's first entry (its own creation's audit entry)
    // is older than the settle time, "Run now" sends it, and the health view says why it failed.
    await expect
      .poll(
        async () => {
          await row.getByRole('button', { name: 'Run now' }).click();
          await page.getByTestId('stream-message').waitFor();
          return row.textContent();
        },
        { timeout: 60_000, interval: 2_000 },
      )
      .toContain('Pub/Sub NOT_FOUND');
    expect(await row.locator('.state').textContent()).toContain('failing');
  }, 150_000);

  it('creates a Storage stream under the tenant prefix, refusing a foreign bucket and a climbing folder', async () => {
    await chooseKind('Storage (NDJSON)');
    await page.getByLabel('Name', { exact: true }).fill('Lake');
    await page.getByLabel('Bucket', { exact: true }).fill(BUCKET);
    await page.getByLabel('Folder (optional)', { exact: true }).fill('../up');
    await create();
    await form().getByText('none starting with "."', { exact: false }).waitFor();
    await page.getByLabel('Bucket', { exact: true }).fill('someone-elses-bucket');
    await page.getByLabel('Folder (optional)', { exact: true }).fill('raw');
    await create();
    await form().getByText("must be one of the project's stream buckets", { exact: false }).waitFor();

    await page.getByLabel('Bucket', { exact: true }).fill(BUCKET);
    await page.getByLabel('Folder (optional)', { exact: true }).fill('raw');
    await create();
    const row = page.locator('tr[data-sink]', { hasText: 'Lake' });
    await expect
      .poll(() => row.getByTestId('stream-destination').textContent())
      .toContain(`storage · gs://${BUCKET}/streams/tenant=${tenant}/raw/sink=`);
    await screenshot(page, 'streams-kinds');

    const stored = await db.collection('audit_sinks').where('tenantId', '==', tenant).get();
    expect(stored.docs.map((d) => d.get('kind') as string).sort()).toEqual(['pubsub', 'storage']);
  }, 120_000);
});
