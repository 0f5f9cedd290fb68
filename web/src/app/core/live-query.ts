import {
  DestroyRef,
  Injector,
  assertInInjectionContext,
  computed,
  effect,
  inject,
  signal,
  untracked,
  type Signal,
} from '@angular/core';

/** Stops a listener; what `onSnapshot` and the stores' `watch…` methods return. */
export type StopListening = () => void;

/**
 * Starts listening for `params` and reports every new result to `next`, or the failure that ended
 * the listener to `fail`. Shaped like `onSnapshot`, so a store method or a fake fits directly.
 */
export type LiveSource<P, T> = (params: P, next: (value: T) => void, fail: (err: unknown) => void) => StopListening;

export interface LiveQueryOptions<P, T> {
  /**
   * What to listen to, read reactively: the listener is replaced whenever this changes.
   * `undefined` means there is nothing to listen to yet (no tenant, no permission, nothing picked).
   */
  params: () => P | undefined;
  /** Starts the listener for one value of `params`. */
  watch: LiveSource<P, T>;
  /** The value before the first result, after a switch and while idle. */
  initial: T;
  /**
   * When two `params` are the same listener. By default plain objects are compared field by field,
   * so a freshly built `{ tenantId }` with the same tenant does not restart the listener.
   */
  equal?: (a: P, b: P) => boolean;
  /** Needed only outside an injection context; the listener stops when it is destroyed. */
  injector?: Injector;
}

/**
 * `idle`: nothing to listen to; `loading`: listening, no answer yet; `live`: at least one result;
 * `failed`: the listener ended with an error (Firestore does not retry a refused listener).
 */
export type LiveQueryStatus = 'idle' | 'loading' | 'live' | 'failed';

export interface LiveQuery<T> {
  /** The latest result; `initial` until the first one arrives. Kept after a failure. */
  readonly value: Signal<T>;
  readonly status: Signal<LiveQueryStatus>;
  /** True between starting a listener and its first result or failure. */
  readonly loading: Signal<boolean>;
  /** The failure that ended the current listener, as the source reported it; null otherwise. */
  readonly error: Signal<unknown>;
}

/** Field-by-field equality for plain objects, identity for anything else. */
function shallowEqual<P>(a: P, b: P): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every((key) => Object.is((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}

/**
 * A live listener as signals: starts `watch` for the current `params`, replaces it when they
 * change, and stops it when the calling component (or `injector`) is destroyed. Results and
 * failures of a replaced listener are ignored, so a slow answer for the previous tenant can never
 * show under the new one.
 */
export function liveQuery<P, T>(options: LiveQueryOptions<P, T>): LiveQuery<T> {
  if (!options.injector) assertInInjectionContext(liveQuery);
  const injector = options.injector ?? inject(Injector);
  const same = options.equal ?? shallowEqual;

  const value = signal<T>(options.initial);
  const status = signal<LiveQueryStatus>('idle');
  const error = signal<unknown>(null);
  // Deduplicated, so that re-reading equal params does not restart the listener.
  const params = computed(options.params, {
    equal: (a, b) => (a === undefined || b === undefined ? a === b : same(a, b)),
  });

  let stop: StopListening | null = null;
  const stopCurrent = (): void => {
    const current = stop;
    stop = null;
    current?.();
  };

  const start = (p: P | undefined): void => {
    stopCurrent();
    value.set(options.initial);
    error.set(null);
    status.set(p === undefined ? 'idle' : 'loading');
    if (p === undefined) return;
    let current = true;
    const next = (v: T): void => {
      if (!current) return;
      value.set(v);
      error.set(null);
      status.set('live');
    };
    const fail = (err: unknown): void => {
      if (!current) return;
      error.set(err);
      status.set('failed');
    };
    try {
      const unsubscribe = options.watch(p, next, fail);
      stop = () => {
        current = false;
        unsubscribe();
      };
    } catch (err) {
      // Firestore throws synchronously for a query it cannot build; show it like any other failure.
      fail(err);
      current = false;
    }
  };

  effect(
    () => {
      const p = params();
      untracked(() => start(p));
    },
    { injector },
  );
  injector.get(DestroyRef).onDestroy(stopCurrent);

  return {
    value: value.asReadonly(),
    status: status.asReadonly(),
    loading: computed(() => status() === 'loading'),
    error: error.asReadonly(),
  };
}
