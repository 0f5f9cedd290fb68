import { addToOutbox, EventFactory, SequenceCounter, type AuditEvent, type AuditSink, type SendResult } from './sdk';
import type { Firestore } from 'firebase-admin/firestore';
import { signInWithPassword, type SignInResult } from './emulator-rest';
import { DEMO_PATHS, type DemoAction, type DemoPath, type EventAction, type EventSpec } from './state';

/** Where the dispatcher sends events, and how it signs in. */
export interface DispatchDeps {
  db: Firestore;
  pubsub: AuditSink;
  /** One HTTP sink per tenant (each holds that tenant's API key). */
  http: ReadonlyMap<string, AuditSink>;
  signIn?: (email: string, password: string) => Promise<SignInResult>;
}

/** Running totals, per path. */
export interface DispatchStats {
  actions: number;
  sent: Record<DemoPath, number>;
  signIns: { ok: number; failed: number };
  /** Events a path refused (the HTTP API's per-event rejections) and actions that threw. */
  rejected: number;
  errors: number;
  lastError?: string;
}

/** An event as sent, with the path it took: enough to find its stored entry. */
export interface SentEvent {
  path: DemoPath;
  event: AuditEvent;
}

/** Builds an event spec with the SDK factory of its source. */
export function buildEvent(spec: EventSpec, factoryFor: (source: string) => EventFactory): AuditEvent {
  const factory = factoryFor(spec.source);
  if (spec.helper === 'permissionCheck') return factory.permissionCheck(spec.input);
  if (spec.helper === 'loginFailed') return factory.loginFailed(spec.input);
  return factory.build(spec.eventType, spec.input);
}

/**
 * Makes the generator's actions happen: builds each event with the SDK (one factory per source,
 * sharing the per-source sequence counters), then publishes to Pub/Sub, commits it with its
 * business writes in one Firestore transaction (outbox), or posts it to the HTTP API.
 */
export class DemoDispatcher {
  readonly stats: DispatchStats = {
    actions: 0,
    sent: { pubsub: 0, outbox: 0, http: 0 },
    signIns: { ok: 0, failed: 0 },
    rejected: 0,
    errors: 0,
  };
  private readonly factories = new Map<string, EventFactory>();
  private readonly sequences = new SequenceCounter();

  constructor(private readonly deps: DispatchDeps) {}

  /** Builds an event spec into a validated envelope (throws if the demo itself is wrong). */
  build(spec: EventSpec): AuditEvent {
    return buildEvent(spec, (source) => {
      let factory = this.factories.get(source);
      if (!factory) {
        factory = new EventFactory({ source, sequences: this.sequences });
        this.factories.set(source, factory);
      }
      return factory;
    });
  }

  /** Runs one action; never throws (failures are counted, the demo keeps going). */
  async run(action: DemoAction): Promise<SentEvent[]> {
    this.stats.actions++;
    try {
      if (action.kind === 'signIn') return await this.signIn(action);
      const events = action.events.map((spec) => this.build(spec));
      await this.send(action, events);
      this.stats.sent[action.path] += events.length;
      return events.map((event) => ({ path: action.path, event }));
    } catch (err) {
      this.stats.errors++;
      this.stats.lastError = err instanceof Error ? err.message : String(err);
      return [];
    }
  }

  private async send(action: EventAction, events: AuditEvent[]): Promise<void> {
    if (action.path === 'outbox') return this.commit(action, events);
    const sink = action.path === 'pubsub' ? this.deps.pubsub : this.deps.http.get(action.tenantId);
    if (!sink) throw new Error(`no API key for tenant ${action.tenantId}`);
    this.countRejections(await sink.send(events));
  }

  /** The business writes and their outbox documents commit together, or not at all. */
  private async commit(action: EventAction, events: AuditEvent[]): Promise<void> {
    const { db } = this.deps;
    await db.runTransaction(async (tx) => {
      // Read what is about to change, as an app's read-modify-write does: the transaction then
      // also fails (and retries) if someone else changed those documents meanwhile.
      const touched = action.writes.filter((w) => w.op !== 'create').map((w) => db.doc(w.path));
      if (touched.length > 0) await tx.getAll(...touched);
      for (const write of action.writes) {
        const ref = db.doc(write.path);
        if (write.op === 'create') tx.set(ref, write.data ?? {});
        else if (write.op === 'merge') tx.set(ref, write.data ?? {}, { merge: true });
        else tx.delete(ref);
      }
      for (const event of events) addToOutbox(tx, db, event);
    });
  }

  private async signIn(action: Extract<DemoAction, { kind: 'signIn' }>): Promise<SentEvent[]> {
    const signIn = this.deps.signIn ?? signInWithPassword;
    const result = await signIn(action.email, action.password);
    if (result.ok) {
      this.stats.signIns.ok++;
      return [];
    }
    this.stats.signIns.failed++;
    if (!action.onFailure) return [];
    // Blocking functions never see a failed sign-in: the app's login handler reports it.
    const event = this.build(action.onFailure);
    this.countRejections(await this.deps.pubsub.send([event]));
    this.stats.sent.pubsub++;
    return [{ path: 'pubsub', event }];
  }

  private countRejections(results: SendResult[]): void {
    this.stats.rejected += results.filter((r) => r.status === 'rejected').length;
  }

  /** Total events sent on every path. */
  get sentTotal(): number {
    return DEMO_PATHS.reduce((sum, path) => sum + this.stats.sent[path], 0);
  }
}
