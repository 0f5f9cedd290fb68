// Throughput of the integrity verifier's core against plain SHA-256 of the same canonical forms.
//
//   baseline: SHA-256 of each entry's canonical JSON, the strings made beforehand (hashing alone)
//   verifier: the verification core over the stored entries, as `audit-verify` runs it after the
//             reads: canonical form and hash recomputed from the stored fields, the log id from
//             the event, one leaf per entry, each window's Merkle root, every checkpoint's hash,
//             signature and link, and the comparisons
//
// 100,000 realistic entries (the ingest benchmarks' envelopes through the real pipeline) recorded
// over one day, checkpointed every 5 minutes (288 signed checkpoints). Warmed up, then interleaved
// for several rounds; the figure is the median entries per CPU second of each and their ratio.
// Run after `npm run build`:
//   node bench/verify.bench.mjs [--entries N] [--rounds R]
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchEnvelope } from './lib/bench-envelope.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const lib = join(here, '..', 'functions', 'lib', 'domain');
const { CLEAR_TEXT_TENANT_SETTINGS, buildEntry, validateEnvelope, canonicalEntry, canonicalJson, sha256Hex } = require(
  join(lib, 'index.js'),
);
const { CheckpointLeaves, buildCheckpoint, verifyTenant } = require(join(lib, 'integrity', 'index.js'));
const { newSigner } = require(join(lib, 'integrity', 'verify-fixture.js'));

const args = new Map();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i], process.argv[i + 1]);
const ENTRIES = Number(args.get('--entries') ?? 100_000);
const ROUNDS = Number(args.get('--rounds') ?? 5);
const PRODUCER_ORDER = process.argv.includes('--producer-order');
if (PRODUCER_ORDER) args.delete('--producer-order');
const WARMUP_ROUNDS = 1;
const TARGET_RATIO = 0.5;
const TENANT = 'bench-tenant';
const DAY_START = Date.parse('2026-03-01T00:00:00.000Z');
const WINDOW_MS = 5 * 60_000;

// The stored entries, in recordedAt order, each at its own millisecond of the day.
const entries = [];
for (let i = 0; i < ENTRIES; i++) {
  const recordedAtMs = DAY_START + Math.floor((i * 86_400_000) / ENTRIES);
  const raw = benchEnvelope(TENANT, i, 'bench-app');
  raw.occurredAt = new Date(recordedAtMs - 250).toISOString();
  const entry = buildEntry(validateEnvelope(raw, new Date(recordedAtMs)), CLEAR_TEXT_TENANT_SETTINGS, {
    via: 'pubsub',
  });
  // As read back from Firestore, whose maps come back with their keys in sorted order: the
  // stored form, not the producer's object (`--producer-order` keeps the producer's key order).
  const stored = PRODUCER_ORDER ? entry : JSON.parse(canonicalJson(entry));
  entries.push({ logId: entry.logId, entry: stored, recordedAtMs });
}

// The chain: one signed checkpoint per 5-minute window, with its leaves file.
const signer = newSigner();
const checkpoints = [];
const leaves = new Map();
let prev = null;
for (let start = DAY_START, i = 0; start < DAY_START + 86_400_000; start += WINDOW_MS) {
  const acc = new CheckpointLeaves();
  const pairs = [];
  for (; i < entries.length && entries[i].recordedAtMs < start + WINDOW_MS; i++) {
    acc.add(entries[i].logId, entries[i].entry.hash);
    pairs.push([entries[i].logId, entries[i].entry.hash]);
  }
  if (pairs.length === 0) continue;
  const c = buildCheckpoint({
    tenantId: TENANT,
    prev,
    window: { start, end: start + WINDOW_MS },
    count: pairs.length,
    merkleRoot: acc.root(),
    signer,
  });
  leaves.set(c.id, { checkpointId: c.id, leaves: pairs.sort((a, b) => (a[0] < b[0] ? -1 : 1)) });
  checkpoints.push(c);
  prev = c;
}
const canonical = entries.map((e) => canonicalEntry(e.entry));
const canonicalBytes = canonical.reduce((n, s) => n + Buffer.byteLength(s), 0);

function baseline() {
  let n = 0;
  for (const text of canonical) if (sha256Hex(text).length === 64) n++;
  return n;
}

// Parts of the verifier's per-entry work, to show where its time goes.
function canonicalOnly() {
  let n = 0;
  for (const e of entries) if (canonicalEntry(e.entry).length > 0) n++;
  return n;
}
function rehashOnly() {
  let n = 0;
  for (const e of entries) if (sha256Hex(canonicalEntry(e.entry)) === e.entry.hash) n++;
  return n;
}

async function verifier() {
  // In pages of 500, as the Firestore adapter reads them.
  let i = 0;
  const stream = {
    [Symbol.asyncIterator]: () => ({
      next: () => {
        const page = entries.slice(i, (i += 500));
        return Promise.resolve(page.length > 0 ? { done: false, value: page } : { done: true, value: undefined });
      },
    }),
  };
  const result = await verifyTenant({
    tenantId: TENANT,
    checkpoints,
    newestSeq: checkpoints.at(-1).seq,
    anchors: new Map(),
    trustedKeys: new Map([[signer.keyId, signer.publicKey]]),
    fromMs: DAY_START,
    toMs: DAY_START + 86_400_000,
    coverDeadlineMs: DAY_START + 86_400_000,
    loadLeaves: (c) => Promise.resolve(leaves.get(c.id) ?? null),
    entries: stream,
  });
  if (result.findings.length > 0) throw new Error(`untouched entries gave findings: ${result.findings[0].message}`);
  return result.entriesChecked;
}

async function measure(run) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const n = await run();
  const wallSeconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  if (n !== ENTRIES) throw new Error(`checked ${n} of ${ENTRIES}`);
  return { cpu: ENTRIES / ((cpu.user + cpu.system) / 1e6), wall: ENTRIES / wallSeconds };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

for (let r = 0; r < WARMUP_ROUNDS; r++) {
  baseline();
  await verifier();
}
const base = [];
const ver = [];
const canon = [];
const rehash = [];
for (let r = 0; r < ROUNDS; r++) {
  canon.push(await measure(canonicalOnly));
  rehash.push(await measure(rehashOnly));
  // Alternate which goes first so drift (GC, CPU frequency) hits both alike.
  if (r % 2 === 0) {
    base.push(await measure(baseline));
    ver.push(await measure(verifier));
  } else {
    ver.push(await measure(verifier));
    base.push(await measure(baseline));
  }
}
const result = {
  entries: ENTRIES,
  keyOrder: PRODUCER_ORDER ? 'producer' : 'stored (sorted)',
  checkpoints: checkpoints.length,
  meanCanonicalBytes: Math.round(canonicalBytes / ENTRIES),
  rounds: ROUNDS,
  baselinePerCpuSecond: Math.round(median(base.map((m) => m.cpu))),
  verifierPerCpuSecond: Math.round(median(ver.map((m) => m.cpu))),
  baselinePerWallSecond: Math.round(median(base.map((m) => m.wall))),
  verifierPerWallSecond: Math.round(median(ver.map((m) => m.wall))),
  canonicalFormOnlyPerCpuSecond: Math.round(median(canon.map((m) => m.cpu))),
  canonicalFormAndHashPerCpuSecond: Math.round(median(rehash.map((m) => m.cpu))),
};
result.ratio = Number((result.verifierPerCpuSecond / result.baselinePerCpuSecond).toFixed(3));
result.target = TARGET_RATIO;
result.meetsTarget = result.ratio >= TARGET_RATIO;
console.log(
  `verify: ${ENTRIES} entries (${result.meanCanonicalBytes} B canonical each), ${checkpoints.length} checkpoints\n` +
    `  plain SHA-256 of the canonical forms: ${result.baselinePerCpuSecond.toLocaleString('en')} entries/CPU s\n` +
    `  canonical form from the stored entry: ${result.canonicalFormOnlyPerCpuSecond.toLocaleString('en')} entries/CPU s\n` +
    `  canonical form + SHA-256 (rehash):   ${result.canonicalFormAndHashPerCpuSecond.toLocaleString('en')} entries/CPU s\n` +
    `  verification core:                   ${result.verifierPerCpuSecond.toLocaleString('en')} entries/CPU s\n` +
    `  ratio ${result.ratio}x (goal >= ${TARGET_RATIO}x)`,
);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'verify.json'), `${JSON.stringify(result, null, 2)}\n`);
