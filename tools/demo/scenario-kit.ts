import type { EventInput } from './sdk';
import type { BusinessWrite, DemoAction, DemoPath, EventSpec, Issue, Pull, Repo, ScenarioContext } from './state';
import type { DemoUser } from './world';

// What every scenario is made of: an event with a fresh id and time, an action on a path, and
// the people and things it picks from the organisation's state.

/** One kind of action; null when the organisation's state does not allow it right now. */
export type Scenario = (ctx: ScenarioContext) => DemoAction | null;

/** An event built from the scenario's input, with a fresh id and the current time. */
export function event(
  ctx: ScenarioContext,
  source: string,
  eventType: string,
  input: Omit<EventInput, 'tenantId' | 'eventId' | 'occurredAt'>,
): EventSpec {
  return {
    helper: 'build',
    source,
    eventType,
    input: { ...input, tenantId: ctx.state.tenant.id, eventId: ctx.eventId(), occurredAt: ctx.at() },
  };
}

export function action(
  ctx: ScenarioContext,
  scenario: string,
  path: DemoPath,
  events: EventSpec[],
  writes: BusinessWrite[] = [],
) {
  return { kind: 'events' as const, scenario, path, tenantId: ctx.state.tenant.id, events, writes };
}

export const dev = (ctx: ScenarioContext): DemoUser => ctx.rng.pick(ctx.state.developers);
export const someRepo = (ctx: ScenarioContext): Repo | null =>
  ctx.state.repos.length ? ctx.rng.pick(ctx.state.repos) : null;
export const openIssue = (ctx: ScenarioContext): Issue | null => {
  const open = ctx.state.issues.filter((i) => i.state === 'open');
  return open.length ? ctx.rng.pick(open) : null;
};
export const openPull = (ctx: ScenarioContext): Pull | null => {
  const open = ctx.state.pulls.filter((p) => p.state === 'open');
  return open.length ? ctx.rng.pick(open) : null;
};
export const stamp = (by: DemoUser, at: string) => ({ updatedBy: by.uid, updatedAt: at });
