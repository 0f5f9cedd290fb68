import { EventFactory, SequenceCounter, type AuditEvent } from './sdk';
import { describe, expect, it } from 'vitest';
import { buildEntry } from '../../functions/src/domain/pipeline';
import { CLEAR_TEXT_TENANT_SETTINGS } from '../../functions/src/domain/tenant';
import { buildEvent } from './dispatch';
import { DEMO_PATHS, type DemoAction, type EventAction, type EventSpec } from './state';
import { TrafficGenerator, type TrafficOptions } from './traffic';
import { CONSOLE_ROLES, demoWorld } from './world';

const START = new Date('2026-02-01T08:00:00.000Z');
const world = demoWorld('t');

function generate(count: number, options: Partial<TrafficOptions> = {}): DemoAction[] {
  return new TrafficGenerator({ world, seed: 7, startTime: START, ...options }).take(count);
}

/** Builds every event of the actions with the SDK, as the dispatcher does. */
function build(actions: DemoAction[]): Array<{ action: DemoAction; event: AuditEvent }> {
  const factories = new Map<string, EventFactory>();
  const sequences = new SequenceCounter();
  const factoryFor = (source: string) => {
    if (!factories.has(source)) factories.set(source, new EventFactory({ source, sequences, clock: () => START }));
    return factories.get(source)!;
  };
  return actions.flatMap((action) => {
    const specs: EventSpec[] = action.kind === 'events' ? action.events : action.onFailure ? [action.onFailure] : [];
    return specs.map((spec) => ({ action, event: buildEvent(spec, factoryFor) }));
  });
}

const eventActions = (actions: DemoAction[]) => actions.filter((a): a is EventAction => a.kind === 'events');

describe('demo world', () => {
  it('has three tenants, every console role in each, and one platform admin', () => {
    expect(world.tenants).toHaveLength(3);
    for (const tenant of world.tenants) {
      const roles = world.users.filter((u) => u.tenantId === tenant.id).map((u) => u.role);
      expect(new Set(roles)).toEqual(new Set(CONSOLE_ROLES));
    }
    expect(world.users.filter((u) => u.platformAdmin)).toHaveLength(1);
    expect(new Set(world.users.map((u) => u.email)).size).toBe(world.users.length);
  });
});

describe('TrafficGenerator', () => {
  it('is deterministic: the same seed gives the same actions, another seed other ones', () => {
    expect(generate(300)).toEqual(generate(300));
    expect(generate(300, { seed: 8 })).not.toEqual(generate(300));
  });

  it('produces only events the SDK (and so the server) accepts, with unique ids', () => {
    const built = build(generate(1500));
    expect(built.length).toBeGreaterThan(1000);
    const ids = built.map(({ event }) => `${event.tenantId}/${event.source}/${event.eventId}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('times events from the start time, in order, without reaching into the future', () => {
    const times = build(generate(200)).map(({ event }) => Date.parse(event.occurredAt));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(START.getTime());
    // 50 ms per event id handed out (the default step).
    expect(Math.max(...times)).toBeLessThanOrEqual(START.getTime() + times.length * 50);
    const sorted = [...times].sort((a, b) => a - b);
    expect(times).toEqual(sorted);
  });

  it('uses all three paths, sign-ins, and business writes under the watched collections', () => {
    const actions = generate(1500);
    const paths = new Set(eventActions(actions).map((a) => a.path));
    expect(paths).toEqual(new Set(DEMO_PATHS));
    expect(actions.some((a) => a.kind === 'signIn' && a.succeeds)).toBe(true);
    expect(actions.some((a) => a.kind === 'signIn' && !a.succeeds && a.onFailure?.helper === 'loginFailed')).toBe(true);
    const collections = new Set(eventActions(actions).flatMap((a) => a.writes.map((w) => w.path.split('/')[2])));
    expect(collections).toEqual(new Set(['repos', 'issues', 'pulls', 'members', 'settings']));
    for (const action of eventActions(actions)) {
      if (action.path !== 'outbox') expect(action.writes).toEqual([]);
      for (const write of action.writes) expect(write.path.startsWith(`tenants/${action.tenantId}/`)).toBe(true);
    }
  });

  it('covers repositories, issues, pull requests, membership, sessions and permission checks', () => {
    const types = new Set(build(generate(1500)).map(({ event }) => event.eventType));
    for (const type of [
      'repo.created',
      'repo.visibility_changed',
      'repo.collaborator_added',
      'issue.created',
      'issue.closed',
      'pr.opened',
      'pr.merged',
      'pr.committed',
      'org.member_added',
      'auth.role.changed',
      'org.webhook_added',
      'auth.login.failed',
      'auth.user.logout',
      'permission.check.allowed',
      'permission.check.denied',
    ]) {
      expect(types, type).toContain(type);
    }
  });

  it('includes a few CRITICAL events: repositories made public and roles raised to admin', () => {
    const levels = build(generate(1500)).map(({ event }) => ({
      type: event.eventType,
      level: buildEntry(event, CLEAR_TEXT_TENANT_SETTINGS, { via: 'pubsub' }).level,
    }));
    const critical = levels.filter((l) => l.level === 'CRITICAL');
    expect(critical.some((c) => c.type === 'repo.visibility_changed')).toBe(true);
    expect(critical.some((c) => c.type === 'auth.role.changed')).toBe(true);
    // Rare: well under one event in twenty.
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.length).toBeLessThan(levels.length / 20);
  });

  it('repeats denials of one actor on one resource often enough to trip the anomaly rule', () => {
    const bursts = eventActions(generate(3000)).filter((a) => a.scenario === 'repeated_denials');
    expect(bursts.length).toBeGreaterThan(0);
    for (const burst of bursts) {
      const keys = burst.events.map((e) =>
        e.helper === 'permissionCheck' ? `${e.input.actor.id}/${e.input.resource.id}/${e.input.allowed}` : 'other',
      );
      expect(keys).toHaveLength(6);
      expect(new Set(keys).size).toBe(1);
      expect(keys[0]).toMatch(/\/false$/);
    }
  });

  it('can send everything on one path, without sign-ins, for benchmarks', () => {
    for (const path of DEMO_PATHS) {
      const actions = generate(400, { path });
      expect(actions.every((a) => a.kind === 'events' && a.path === path)).toBe(true);
      if (path !== 'outbox') expect(eventActions(actions).every((a) => a.writes.length === 0)).toBe(true);
    }
  });

  it('numbers each source of each tenant in sequence', () => {
    const seen = new Map<string, number[]>();
    for (const { event } of build(generate(600))) {
      const key = `${event.tenantId}/${event.source}`;
      seen.set(key, [...(seen.get(key) ?? []), event.sequence!]);
    }
    for (const numbers of seen.values()) expect(numbers).toEqual(numbers.map((_, i) => i));
  });
});
