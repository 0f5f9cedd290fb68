import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Logger from 'firebase-functions/logger';
import { TenantSettingsReader } from '../tenants/tenant-settings';
import { RateLimiter } from './rate-store';

// The limiter when Firestore fails under it. The emulator suite (test/emulator/http-rate-limit)
// covers the shared counters; a real Firestore cannot be made to fail on cue, so these use a
// stand-in that answers the few calls the limiter makes and fails the ones each test names.

// The limiter's warnings, as firebase-functions/logger receives them (an ES module namespace
// cannot be spied on, so the module is replaced around its real exports).
const warnings = vi.hoisted(() => [] as Array<Record<string, unknown>>);
vi.mock('firebase-functions/logger', async (importOriginal) => ({
  ...(await importOriginal<typeof Logger>()),
  warn: (_message: unknown, fields: unknown) => warnings.push(fields as Record<string, unknown>),
}));

const unavailable = () => Promise.reject(new Error('14 UNAVAILABLE: connection refused'));

interface StoreScript {
  /** The tenant document's data, or a failure. */
  tenant: () => Promise<Record<string, unknown> | undefined>;
  /** Each call of `getAll` in turn. */
  reads: Array<'ok' | 'fail'>;
  writes: 'ok' | 'fail';
  /** What every counter shard holds when read. */
  shardCount?: number;
}

function fakeDb(script: StoreScript): { db: Firestore; writes: unknown[] } {
  const writes: unknown[] = [];
  const reads = [...script.reads];
  const doc = (): Record<string, unknown> => ({
    get: () => script.tenant().then((data) => ({ exists: data !== undefined, data: () => data })),
    set: (data: { events?: unknown }) => {
      if (script.writes === 'fail') return unavailable();
      writes.push(data.events);
      return Promise.resolve();
    },
    collection: () => ({ doc }),
  });
  const db = {
    collection: () => ({ doc }),
    getAll: (...refs: unknown[]) =>
      reads.shift() === 'ok' ? Promise.resolve(refs.map(() => ({ get: () => script.shardCount ?? 0 }))) : unavailable(),
  };
  return { db: db as unknown as Firestore, writes };
}

const clockAt = (ms: number) => () => ms;
const smallRate = () => Promise.resolve({ api: { rateLimit: { eventsPerSecond: 1, burst: 2 } } });

describe('RateLimiter when the store fails', () => {
  beforeEach(() => {
    warnings.length = 0;
  });
  const steps = () => warnings.map((w) => `${String(w['event.type'])}:${String(w['rate.step'])}`);

  it('fails open to an instance-local bucket with the tenant rate when the counters cannot be read', async () => {
    const { db } = fakeDb({ tenant: smallRate, reads: ['fail', 'fail', 'fail'], writes: 'ok' });
    const limiter = new RateLimiter(db, new TenantSettingsReader(db), clockAt(1_700_000_000_000));
    expect(await limiter.consume('t', 1)).toMatchObject({ allowed: true });
    expect(await limiter.consume('t', 1)).toMatchObject({ allowed: true });
    // Two events of burst spent and no time passed: the local bucket refuses the third.
    expect(await limiter.consume('t', 1)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    // Every fallback is explained in the log, never hidden.
    expect(steps()).toEqual(Array<string>(3).fill('api.rate_store_unavailable:reserve'));
  });

  it('falls back to the default rate when the tenant settings cannot be read', async () => {
    const { db } = fakeDb({ tenant: unavailable, reads: ['fail', 'fail'], writes: 'ok' });
    const limiter = new RateLimiter(db, new TenantSettingsReader(db), clockAt(1_700_000_000_000));
    const first = await limiter.consume('t', 5_000);
    expect(first).toMatchObject({ allowed: true, limit: { eventsPerSecond: 500, burst: 5_000 } });
    expect(await limiter.consume('t', 1)).toMatchObject({ allowed: false });
    expect(steps()).toContain('api.rate_store_unavailable:settings');
  });

  it('admits when the reservation is written but cannot be verified, having found room before it', async () => {
    const { db, writes } = fakeDb({ tenant: smallRate, reads: ['ok', 'fail'], writes: 'ok' });
    const limiter = new RateLimiter(db, new TenantSettingsReader(db), clockAt(1_700_000_000_000));
    expect(await limiter.consume('t', 2)).toMatchObject({ allowed: true });
    expect(writes).toHaveLength(1);
    expect((writes[0] as FieldValue).isEqual(FieldValue.increment(2))).toBe(true);
    expect(steps()).toEqual(['api.rate_store_unavailable:verify']);
  });

  it('decides locally when the reservation cannot be written', async () => {
    const { db } = fakeDb({ tenant: smallRate, reads: ['ok', 'ok'], writes: 'fail' });
    const limiter = new RateLimiter(db, new TenantSettingsReader(db), clockAt(1_700_000_000_000));
    expect(await limiter.consume('t', 3)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limiter.consume('t', 1)).toMatchObject({ allowed: false });
  });

  it('refuses without writing when the counters read back show no room', async () => {
    const { db, writes } = fakeDb({ tenant: smallRate, reads: ['ok'], writes: 'ok', shardCount: 1 });
    const limiter = new RateLimiter(db, new TenantSettingsReader(db), clockAt(1_700_000_000_000));
    expect(await limiter.consume('t', 1)).toMatchObject({ allowed: false });
    expect(writes).toEqual([]);
    expect(warnings).toEqual([]);
  });
});
