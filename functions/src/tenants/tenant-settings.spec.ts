import type { Firestore } from 'firebase-admin/firestore';
import type * as Logger from 'firebase-functions/logger';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ANOMALY_SETTINGS } from '../domain/anomaly';
import { DEFAULT_OUTBOX_POLICY } from '../domain/outbox-policy';
import { TENANT_SETTINGS_TTL_MS, TenantSettingsReader, tenantSettingsReader } from './tenant-settings';

// The one tenant-settings reader of an instance. The emulator suites cover it against real
// Firestore (every ingest path and reaction goes through it); here a stand-in that answers the
// one call the reader makes counts the reads and holds them open on cue.

const warnings = vi.hoisted(() => [] as Array<Record<string, unknown>>);
vi.mock('firebase-functions/logger', async (importOriginal) => ({
  ...(await importOriginal<typeof Logger>()),
  warn: (_message: unknown, fields: unknown) => warnings.push(fields as Record<string, unknown>),
  error: (_message: unknown, fields: unknown) => warnings.push(fields as Record<string, unknown>),
}));

interface Store {
  db: Firestore;
  docs: Map<string, Record<string, unknown>>;
  /** Tenant ids read, in order. */
  reads: string[];
  /** While set, reads wait for it. */
  gate?: Promise<void>;
  /** While set, reads fail. */
  failure?: Error;
}

function fakeStore(): Store {
  const store: Store = { db: undefined as unknown as Firestore, docs: new Map(), reads: [] };
  const doc = (id: string) => ({
    get: async () => {
      store.reads.push(id);
      await store.gate;
      if (store.failure) throw store.failure;
      const data = store.docs.get(id);
      return { exists: data !== undefined, data: () => (data === undefined ? undefined : structuredClone(data)) };
    },
  });
  store.db = {
    collection: (name: string) => {
      expect(name).toBe('tenants');
      return { doc };
    },
  } as unknown as Firestore;
  return store;
}

function clock(start = 1_700_000_000_000) {
  const c = { now: start, read: () => c.now };
  return c;
}

let store: Store;
let time: ReturnType<typeof clock>;
let reader: TenantSettingsReader;

beforeEach(() => {
  warnings.length = 0;
  store = fakeStore();
  time = clock();
  reader = new TenantSettingsReader(store.db, TENANT_SETTINGS_TTL_MS, time.read);
});

describe('TenantSettingsReader', () => {
  it('parses every section of the tenant document', async () => {
    store.docs.set('acme', {
      retentionDays: 30,
      anomaly: { deniedThreshold: 4 },
      outbox: { allowedFamilies: ['repo'] },
      api: { readRateLimit: { eventsPerSecond: 1, burst: 2 } },
    });
    expect((await reader.settings('acme'))?.retentionDays).toBe(30);
    expect((await reader.anomaly('acme')).deniedThreshold).toBe(4);
    expect((await reader.outboxPolicy('acme')).allowedFamilies).toEqual(['repo']);
    expect(await reader.rateLimit('acme', 'read')).toEqual({ eventsPerSecond: 1, burst: 2 });
    expect(store.reads).toEqual(['acme']);
  });

  it('serves the cached document until the TTL runs out, then reads it again', async () => {
    store.docs.set('acme', { retentionDays: 30 });
    expect((await reader.settings('acme'))?.retentionDays).toBe(30);
    store.docs.set('acme', { retentionDays: 60 });
    time.now += TENANT_SETTINGS_TTL_MS - 1;
    expect((await reader.settings('acme'))?.retentionDays).toBe(30);
    expect(store.reads).toHaveLength(1);
    time.now += 1;
    expect((await reader.settings('acme'))?.retentionDays).toBe(60);
    expect(store.reads).toHaveLength(2);
  });

  it('reads once for every concurrent caller of the same tenant, whatever section each wants', async () => {
    store.docs.set('acme', { anomaly: { deniedThreshold: 7 } });
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    const callers = Promise.all([
      reader.settings('acme'),
      reader.anomaly('acme'),
      reader.outboxPolicy('acme'),
      reader.rateLimit('acme', 'ingest'),
      reader.view('acme'),
    ]);
    open();
    const [settings, anomaly] = await callers;
    expect(settings).not.toBeNull();
    expect(anomaly.deniedThreshold).toBe(7);
    expect(store.reads).toEqual(['acme']);
    // Other tenants are read on their own.
    store.gate = undefined;
    await reader.settings('globex');
    expect(store.reads).toEqual(['acme', 'globex']);
  });

  it('never caches a missing tenant, so a tenant created a moment later is found at once', async () => {
    expect(await reader.settings('new')).toBeNull();
    expect(await reader.view('new')).toBeNull();
    store.docs.set('new', {});
    expect(await reader.settings('new')).not.toBeNull();
    expect(store.reads).toEqual(['new', 'new', 'new']);
  });

  it('gives the defaults to the sections that do without a tenant document', async () => {
    expect(await reader.anomaly('none')).toEqual(DEFAULT_ANOMALY_SETTINGS);
    expect(await reader.outboxPolicy('none')).toEqual(DEFAULT_OUTBOX_POLICY);
    expect(await reader.rateLimit('none', 'read')).toEqual({ eventsPerSecond: 10, burst: 100 });
  });

  it('lets a failed read fail every waiting caller, caches nothing, and keeps the last known rate', async () => {
    store.docs.set('acme', { api: { rateLimit: { eventsPerSecond: 3, burst: 6 } } });
    await reader.rateLimit('acme', 'ingest');
    time.now += TENANT_SETTINGS_TTL_MS;
    store.failure = new Error('14 UNAVAILABLE');
    const waiting = [reader.settings('acme'), reader.rateLimit('acme', 'ingest')];
    await expect(waiting[0]).rejects.toThrow('UNAVAILABLE');
    await expect(waiting[1]).rejects.toThrow('UNAVAILABLE');
    expect(store.reads).toHaveLength(2);
    expect(reader.lastKnownRateLimit('acme', 'ingest')).toEqual({ eventsPerSecond: 3, burst: 6 });
    store.failure = undefined;
    expect((await reader.rateLimit('acme', 'ingest')).burst).toBe(6);
    expect(store.reads).toHaveLength(3);
  });

  it('logs a malformed section once per read, under its own event, only when that section is used', async () => {
    store.docs.set('acme', { anomaly: { deniedThreshold: 'many' }, outbox: { userRateLimit: { events: 0 } } });
    await reader.settings('acme');
    expect(warnings).toEqual([]);
    await reader.anomaly('acme');
    await reader.anomaly('acme');
    await reader.outboxPolicy('acme');
    expect(warnings.map((w) => w['event.type'])).toEqual(['anomaly.settings_invalid', 'outbox.policy_invalid']);
    time.now += TENANT_SETTINGS_TTL_MS;
    await reader.anomaly('acme');
    expect(warnings.map((w) => w['event.type'])).toEqual([
      'anomaly.settings_invalid',
      'outbox.policy_invalid',
      'anomaly.settings_invalid',
    ]);
  });
});

describe('tenantSettingsReader', () => {
  it('is one reader per instance', () => {
    expect(tenantSettingsReader(store.db)).toBe(tenantSettingsReader(fakeStore().db));
  });
});
