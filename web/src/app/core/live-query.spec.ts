import { EnvironmentInjector, createEnvironmentInjector, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { describe, expect, it } from 'vitest';
import { liveQuery, type LiveQuery } from './live-query';

/** One started listener of the fake source: what it was started for, and its callbacks. */
interface Listener {
  readonly params: { tenantId: string };
  readonly next: (value: string[]) => void;
  readonly fail: (err: unknown) => void;
  stopped: boolean;
}

/** A stand-in for a Firestore listener: records every start and stop, emits on demand. */
class FakeSource {
  readonly listeners: Listener[] = [];
  throwOnStart: Error | null = null;

  readonly watch = (
    params: { tenantId: string },
    next: (value: string[]) => void,
    fail: (err: unknown) => void,
  ): (() => void) => {
    if (this.throwOnStart) throw this.throwOnStart;
    const listener: Listener = { params, next, fail, stopped: false };
    this.listeners.push(listener);
    return () => {
      listener.stopped = true;
    };
  };

  get active(): Listener[] {
    return this.listeners.filter((l) => !l.stopped);
  }

  latest(): Listener {
    const last = this.listeners[this.listeners.length - 1];
    if (!last) throw new Error('no listener was started');
    return last;
  }
}

function setup(initialTenant: string | null = 'tenant-a') {
  const source = new FakeSource();
  const tenant = signal<string | null>(initialTenant);
  const injector = createEnvironmentInjector([], TestBed.inject(EnvironmentInjector));
  const query: LiveQuery<string[]> = liveQuery({
    // A new object on every read: equal params must still keep the same listener.
    params: () => {
      const tenantId = tenant();
      return tenantId === null ? undefined : { tenantId };
    },
    watch: source.watch,
    initial: [],
    injector,
  });
  TestBed.tick();
  return { source, tenant, injector, query };
}

describe('liveQuery', () => {
  it('listens for the params and exposes loading, then the results', () => {
    const { source, query } = setup();
    expect(source.listeners.map((l) => l.params)).toEqual([{ tenantId: 'tenant-a' }]);
    expect(query.loading()).toBe(true);
    expect(query.status()).toBe('loading');
    expect(query.value()).toEqual([]);

    source.latest().next(['a-1', 'a-2']);
    expect(query.value()).toEqual(['a-1', 'a-2']);
    expect(query.loading()).toBe(false);
    expect(query.status()).toBe('live');
    expect(query.error()).toBeNull();
  });

  it('keeps the last results and exposes the error when the listener fails', () => {
    const { source, query } = setup();
    source.latest().next(['a-1']);
    const denied = Object.assign(new Error('Missing or insufficient permissions.'), { code: 'permission-denied' });
    source.latest().fail(denied);
    expect(query.error()).toBe(denied);
    expect(query.status()).toBe('failed');
    expect(query.loading()).toBe(false);
    expect(query.value()).toEqual(['a-1']);
  });

  it('switches to a new listener when the params change and ignores the old one', () => {
    const { source, tenant, query } = setup();
    const first = source.latest();
    first.next(['a-1']);
    first.fail(new Error('late failure of tenant a'));

    tenant.set('tenant-b');
    TestBed.tick();
    expect(first.stopped).toBe(true);
    expect(source.active.map((l) => l.params)).toEqual([{ tenantId: 'tenant-b' }]);
    // A fresh listener starts clean: no results and no error of the previous tenant.
    expect(query.value()).toEqual([]);
    expect(query.error()).toBeNull();
    expect(query.loading()).toBe(true);

    first.next(['a-2']);
    expect(query.value()).toEqual([]);
    source.latest().next(['b-1']);
    expect(query.value()).toEqual(['b-1']);
  });

  it('keeps the listener when the params are rebuilt with the same fields', () => {
    const { source, tenant } = setup();
    tenant.set('tenant-b');
    TestBed.tick();
    tenant.set('tenant-a');
    tenant.set('tenant-b');
    TestBed.tick();
    expect(source.listeners).toHaveLength(2);
  });

  it('stays idle without params and stops listening when they go away', () => {
    const { source, tenant, query } = setup(null);
    expect(source.listeners).toHaveLength(0);
    expect(query.status()).toBe('idle');
    expect(query.loading()).toBe(false);

    tenant.set('tenant-a');
    TestBed.tick();
    source.latest().next(['a-1']);
    tenant.set(null);
    TestBed.tick();
    expect(source.active).toHaveLength(0);
    expect(query.status()).toBe('idle');
    expect(query.value()).toEqual([]);
  });

  it('stops listening when its injector is destroyed', () => {
    const { source, tenant, injector, query } = setup();
    source.latest().next(['a-1']);
    injector.destroy();
    expect(source.active).toHaveLength(0);

    tenant.set('tenant-b');
    TestBed.tick();
    expect(source.listeners).toHaveLength(1);
    expect(query.value()).toEqual(['a-1']);
  });

  it('reports a listener that cannot start as a failure', () => {
    const source = new FakeSource();
    source.throwOnStart = new Error('Invalid Query');
    const query = TestBed.runInInjectionContext(() =>
      liveQuery({ params: () => ({ tenantId: 'tenant-a' }), watch: source.watch, initial: [] as string[] }),
    );
    TestBed.tick();
    expect(query.status()).toBe('failed');
    expect((query.error() as Error).message).toBe('Invalid Query');
  });
});
