import type { Browser, Page } from 'playwright-core';
import { signInWithClaims } from '../../support/api-client';
import { waitFor } from '../../support/emulators';
import { launchBrowser, signIn } from './browser';
import { PASSWORD, type ConsoleUser } from './console-seed';
import { serveStatic, type StaticServer } from './static-server';

/** The console served from its build, in Chromium, with one page signed in. */
export interface ConsoleSession {
  server: StaticServer;
  browser: Browser;
  page: Page;
}

/**
 * Serves the console build at `buildDir` and signs `user` in on a new page. The first sign-in of
 * a fresh emulator starts the blocking auth functions: that wait is taken here, not inside the
 * browser's sign-in form, and on a loaded machine the worker's first start can drop the request
 * (ECONNRESET), so the warm-up tries again until one sign-in of the tenant goes through.
 */
export async function openSignedInConsole(buildDir: string, user: ConsoleUser): Promise<ConsoleSession> {
  await waitFor(
    () =>
      signInWithClaims({ tenantId: user.tenantId, role: 'member' }).then(
        () => true,
        () => false,
      ),
    (signedIn) => signedIn,
    { timeoutMs: 90_000, intervalMs: 1_000, what: 'the blocking auth functions to answer a sign-in' },
  );
  const server = await serveStatic(buildDir);
  const browser = await launchBrowser();
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  await signIn(page, server.url, user.email, PASSWORD);
  return { server, browser, page };
}
