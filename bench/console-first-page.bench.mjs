#!/usr/bin/env node
// First-page time of the console's log search at 100,000 entries, against the raw Firebase SDK
// running the same query in the same page and run. The emulator answers such a query slowly
// (seconds), so only the ratio says anything about the console's own cost: planning, mapping
// documents and rendering the virtual table. Also reports the production bundle size.
//
//   npm run bench:console
//   (= npm run build && npm run build:web &&
//      node tools/emulators/exec.mjs "node --import tsx bench/console-first-page.bench.mjs")
//
// Options (env): BENCH_ENTRIES (100000), BENCH_ROUNDS (7).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { emptyFilter } from '../web/src/app/logs/filters/log-filter.ts';
import { planLogQuery } from '../web/src/app/logs/query/log-query.ts';
import { launchBrowser, signIn } from '../test/e2e/support/browser.ts';
import {
  PASSWORD,
  buildEntries,
  createTenant,
  createUser,
  envelopeAt,
  writeEntries,
} from '../test/e2e/support/console-seed.ts';
import { serveStatic } from '../test/e2e/support/static-server.ts';
import { closeAdminApp, requireEmulators, uniqueTenant } from '../test/support/emulators.ts';

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const PAGE_SIZE = 200;
const STEP_TIMEOUT_MS = 180_000;
const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.resolve(here, '../web/dist/audit-console/browser');
requireEmulators('FIRESTORE', 'FIREBASE_AUTH');

/** Filters measured: a broad one (a quarter of the log) and a selective one. */
const FILTERS = [
  {
    name: 'category=DATA_MODIFICATION, last 30 days',
    params: 'category=DATA_MODIFICATION&range=30d',
    filter: { categories: ['DATA_MODIFICATION'], range: { preset: '30d' } },
  },
  {
    name: 'level=CRITICAL, last 30 days',
    params: 'level=CRITICAL&range=30d',
    filter: { levels: ['CRITICAL'], range: { preset: '30d' } },
  },
];

const TYPES = [
  { eventType: 'repo.created', changes: () => ({ before: null, after: { name: 'r', visibility: 'private' } }) },
  { eventType: 'issue.created', changes: () => ({ before: null, after: { title: 't' } }) },
  { eventType: 'auth.user.login', resource: null },
  { eventType: 'pr.merged' },
  { eventType: 'repo.settings_updated', changes: () => ({ before: { wiki: true }, after: { wiki: false } }) },
  { eventType: 'auth.login.failed', outcome: 'failure', resource: null },
  { eventType: 'issue.commented' },
  { eventType: 'org.member_added' },
];

function envelopes(tenantId, now, n) {
  const out = [];
  const spanMinutes = 29 * 24 * 60;
  for (let i = 0; i < n; i++) {
    // Every 50th event is a security event (CRITICAL), the rest cycle through the catalog.
    const t = i % 50 === 0 ? { eventType: 'security.token_leaked' } : TYPES[i % TYPES.length];
    const overrides = {
      eventType: t.eventType,
      eventId: `bench-${i}`,
      actor: { type: 'user', id: `u-${i % 97}`, name: `User ${i % 97}` },
      resource: t.resource === null ? undefined : { type: 'repository', id: `r-${i % 211}`, name: `repo-${i % 211}` },
    };
    if (t.outcome) overrides.outcome = t.outcome;
    if (t.changes) overrides.changes = t.changes();
    out.push(envelopeAt(tenantId, now, (i * spanMinutes) / n, overrides));
  }
  return out;
}

/** Background triggers off while seeding: 100,000 trigger runs would measure the functions emulator. */
async function setTriggers(enabled) {
  const hub = process.env.FIREBASE_EMULATOR_HUB;
  if (!hub) throw new Error('FIREBASE_EMULATOR_HUB is not set: run through tools/emulators/exec.mjs');
  const res = await fetch(`http://${hub}/functions/${enabled ? 'enable' : 'disable'}BackgroundTriggers`, {
    method: 'PUT',
  });
  if (!res.ok) throw new Error(`emulator hub answered ${res.status} when switching triggers`);
}

async function seed(tenantId, now) {
  const started = performance.now();
  await setTriggers(false);
  try {
    const CHUNK = 10_000;
    const all = envelopes(tenantId, now, ENTRIES);
    for (let i = 0; i < ENTRIES; i += CHUNK) {
      const batch = all.slice(i, i + CHUNK);
      await writeEntriesParallel(buildEntries(batch, now));
      process.stdout.write(`\rseeded ${Math.min(i + CHUNK, ENTRIES)} / ${ENTRIES}`);
    }
  } finally {
    await setTriggers(true);
  }
  process.stdout.write('\n');
  return (performance.now() - started) / 1000;
}

/** Several batched writers at once; the emulator is the bottleneck, not this loop. */
async function writeEntriesParallel(entries) {
  const WRITERS = 4;
  const slice = Math.ceil(entries.length / WRITERS);
  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writeEntries(entries.slice(w * slice, (w + 1) * slice))));
}

/** Clicks the console's reload and times it until the new first page is rendered. */
function measureConsole(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const host = document.querySelector('app-log-browser');
        const status = () => document.querySelector('[data-testid="log-status"]')?.getAttribute('data-state');
        let sawLoading = false;
        const started = performance.now();
        const check = () => {
          if (status() === 'loading') sawLoading = true;
          if (sawLoading && status() === 'ready' && document.querySelector('[data-row-index="0"]')) {
            observer.disconnect();
            // One more frame: the rows are painted, not just in the DOM.
            requestAnimationFrame(() =>
              resolve({
                ms: performance.now() - started,
                count: Number(document.querySelector('[data-testid="row-count"]')?.textContent),
                firstId: document.querySelector('[data-row-index="0"]')?.getAttribute('data-log-id'),
                // The data source's own measure: its Firestore call plus mapping the documents.
                queryMs: Number(
                  /(\d+) ms/.exec(document.querySelector('[data-testid="first-page-ms"]')?.textContent ?? '')?.[1],
                ),
              }),
            );
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(host, { attributes: true, childList: true, subtree: true });
        document.querySelector('[data-testid="reload"]').click();
      }),
  );
}

/** Fails loudly instead of waiting forever when the emulator or the page stops answering. */
function within(ms, what, promise) {
  let timer;
  const deadline = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Initial and lazy parts of the production build, raw and gzip. Initial = the entry script and
 * stylesheet of index.html plus every chunk they import statically (recursively); everything else
 * is only reached through `import()`.
 */
function bundleSizes() {
  const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const initial = new Set([...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]));
  const queue = [...initial].filter((name) => name.endsWith('.js'));
  while (queue.length > 0) {
    const code = readFileSync(path.join(DIST, queue.pop()), 'utf8');
    // Static imports only: `import{..}from"./chunk-X.js"` or `import"./chunk-X.js"`, never `import(`.
    for (const m of code.matchAll(/import(?:[^"'()]*?from)?\s*"\.\/(chunk-[A-Z0-9]+\.js)"/g)) {
      if (!initial.has(m[1])) {
        initial.add(m[1]);
        queue.push(m[1]);
      }
    }
  }
  const sizes = { initial: { raw: 0, gzip: 0, files: 0 }, lazy: { raw: 0, gzip: 0, files: 0 } };
  for (const name of readdirSync(DIST)) {
    if (!/\.(js|css)$/.test(name)) continue;
    const bytes = readFileSync(path.join(DIST, name));
    const bucket = initial.has(name) ? sizes.initial : sizes.lazy;
    bucket.raw += statSync(path.join(DIST, name)).size;
    bucket.gzip += gzipSync(bytes, { level: 9 }).length;
    bucket.files++;
  }
  return sizes;
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

async function main() {
  const now = new Date();
  const tenantId = uniqueTenant('bench-console');
  await createTenant(tenantId, 'Console benchmark');
  const user = await createUser(tenantId, 'admin');
  console.log(`seeding ${ENTRIES} entries for ${tenantId} (Admin SDK batches, triggers off)`);
  const seedSeconds = await seed(tenantId, now);
  console.log(`seeded in ${seedSeconds.toFixed(1)} s (${Math.round(ENTRIES / seedSeconds)} entries/s)`);

  const probe = await build({
    entryPoints: [path.join(here, 'lib/raw-query-probe.mjs')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const server = await serveStatic(DIST);
  const browser = await launchBrowser();
  const results = [];
  try {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        console.log(`  [browser ${m.type()}] ${m.text().slice(0, 300)}`);
    });
    await signIn(page, server.url, user.email, PASSWORD);
    for (const f of FILTERS) {
      await page.goto(`${server.url}/logs?${f.params}`);
      await page
        .locator('[data-testid="first-page-ms"], [data-testid="load-problem"]')
        .first()
        .waitFor({ timeout: 120_000 });
      await page.addScriptTag({ content: probe.outputFiles[0].text });
      await page.evaluate(([email, password]) => window.rawProbe.init(email, password), [user.email, PASSWORD]);
      const plan = planLogQuery(emptyFilter(f.filter), { tenantId }, { now: new Date(), limit: PAGE_SIZE });
      const conditions = plan.where.map((c) => [
        c.field,
        c.op,
        c.value instanceof Date ? c.value.toISOString() : c.value,
        c.value instanceof Date,
      ]);

      const consoleMs = [];
      const rawMs = [];
      const overheadMs = [];
      const runConsole = (round) => within(STEP_TIMEOUT_MS, `console round ${round}`, measureConsole(page));
      const runRaw = (round) =>
        within(
          STEP_TIMEOUT_MS,
          `raw SDK round ${round}`,
          page.evaluate(([c, n]) => window.rawProbe.firstPage(c, n), [conditions, PAGE_SIZE]),
        );
      // Round 0 warms both clients' connections and is not counted. The order alternates, so
      // neither side always meets the emulator right after the other ran the same query.
      for (let round = 0; round <= ROUNDS; round++) {
        let app;
        let raw;
        if (round % 2 === 0) {
          app = await runConsole(round);
          raw = await runRaw(round);
        } else {
          raw = await runRaw(round);
          app = await runConsole(round);
        }
        console.log(
          `  round ${round}: console ${Math.round(app.ms)} ms (its query ${app.queryMs} ms), raw SDK ${Math.round(raw.ms)} ms`,
        );
        if (app.count !== raw.count || app.firstId !== raw.firstId) {
          throw new Error(`console and SDK disagree: ${JSON.stringify({ app, raw })}`);
        }
        if (round > 0) {
          consoleMs.push(app.ms);
          rawMs.push(raw.ms);
          overheadMs.push(app.ms - app.queryMs);
        }
      }
      const result = {
        filter: f.name,
        rows: PAGE_SIZE,
        consoleMedianMs: Math.round(median(consoleMs)),
        rawSdkMedianMs: Math.round(median(rawMs)),
        ratio: Number((median(consoleMs) / median(rawMs)).toFixed(3)),
        // Click to painted rows minus the data source's own query time: routing, planning,
        // change detection and rendering the virtual table, which the emulator's speed does not affect.
        consoleOverheadMedianMs: Math.round(median(overheadMs)),
        consoleMs: consoleMs.map(Math.round),
        rawSdkMs: rawMs.map(Math.round),
      };
      results.push(result);
      console.log(
        `${f.name}: console ${result.consoleMedianMs} ms vs raw SDK ${result.rawSdkMedianMs} ms ` +
          `(median of ${ROUNDS}) → ratio ${result.ratio}; console's own work beyond its query: ` +
          `${result.consoleOverheadMedianMs} ms`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
    await closeAdminApp();
  }

  const bundle = bundleSizes();
  console.log(
    `bundle: initial ${kb(bundle.initial.raw)} raw / ${kb(bundle.initial.gzip)} gzip (${bundle.initial.files} files); ` +
      `lazy ${kb(bundle.lazy.raw)} raw / ${kb(bundle.lazy.gzip)} gzip (${bundle.lazy.files} files)`,
  );
  const out = path.resolve(here, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    path.join(out, 'console-first-page.json'),
    JSON.stringify(
      { entries: ENTRIES, rounds: ROUNDS, seedSeconds, results, bundle, at: new Date().toISOString() },
      null,
      2,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
