import { describe, expect, it } from 'vitest';
import { validateEnvelope } from '@audit-log/model/validate';
import { backdatingErrors } from '../../functions/src/domain/backdating';
import { DEFAULT_TENANT_SETTINGS } from '../../functions/src/domain/tenant';
import { generateHistory, HISTORY_DAYS, historyDays } from './history';
import { demoWorld } from './world';

const UNTIL = '2026-12-06';
const world = demoWorld('h');
const history = generateHistory({ world, seed: 42, until: UNTIL });
const all = history.flatMap((h) => h.events);
/** The moment the history is sent: the first day after it, in the morning. */
const sentAt = new Date(`${UNTIL}T09:00:00.000Z`);

describe('generateHistory', () => {
  it('is deterministic: the same seed gives the same events, ids included; another seed other ones', () => {
    expect(generateHistory({ world, seed: 42, until: UNTIL })).toEqual(history);
    const other = generateHistory({ world, seed: 43, until: UNTIL });
    expect(other.map((h) => h.events.map((e) => e.eventType))).not.toEqual(
      history.map((h) => h.events.map((e) => e.eventType)),
    );
  });

  it('covers the 120 days before `until` in every organisation (every one in the busiest), and nothing after', () => {
    const days = historyDays(UNTIL);
    expect(days).toHaveLength(HISTORY_DAYS);
    expect(days[0]).toBe('2026-08-08');
    expect(days.at(-1)).toBe('2026-12-05');
    expect(history.map((h) => h.tenantId)).toEqual(world.tenants.map((t) => t.id));
    for (const [index, { events }] of history.entries()) {
      const eventDays = [...new Set(events.map((e) => e.occurredAt.slice(0, 10)))].sort();
      // The quietest organisation has about one action on a weekend day, and an action may
      // record nothing (a successful sign-in is not imported): it may miss the odd day.
      if (index === 0) expect(eventDays).toEqual(days);
      expect(eventDays.every((d) => days.includes(d))).toBe(true);
      expect(eventDays.length).toBeGreaterThanOrEqual(days.length - 6);
      const times = events.map((e) => Date.parse(e.occurredAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });

  it('gives every event an id unique within its tenant and source, and no stream sequence', () => {
    const keys = all.map((e) => `${e.tenantId}/${e.source}/${e.eventId}`);
    expect(new Set(keys).size).toBe(all.length);
    expect(all.every((e) => e.sequence === undefined)).toBe(true);
  });

  it('is realistic and varied: the scenario kit’s sources and types, busier weekdays, several a day', () => {
    expect(new Set(all.map((e) => e.source)).size).toBeGreaterThanOrEqual(4);
    const types = new Set(all.map((e) => e.eventType));
    for (const type of ['repo.created', 'issue.created', 'pr.merged', 'permission.check.denied', 'auth.login.failed']) {
      expect(types).toContain(type);
    }
    expect(types.size).toBeGreaterThanOrEqual(20);
    const busiest = history[0]!.events;
    const perDay = busiest.length / HISTORY_DAYS;
    expect(perDay).toBeGreaterThan(5);
    expect(perDay).toBeLessThan(200);
    const weekday = (e: { occurredAt: string }) => new Date(e.occurredAt).getUTCDay();
    const weekend = busiest.filter((e) => weekday(e) === 0 || weekday(e) === 6).length;
    // Two days in seven, at a quarter of the activity: well under 2/7 of the events.
    expect(weekend / busiest.length).toBeLessThan(0.15);
    expect(history[0]!.events.length).toBeGreaterThan(history[2]!.events.length);
  });

  it('holds only events the envelope validation accepts, unchanged', () => {
    for (const event of all) expect(validateEnvelope(JSON.parse(JSON.stringify(event)), sentAt)).toEqual(event);
  });

  it('is back-dated within what the backfill capability allows, and needs it', () => {
    const settings = { ...DEFAULT_TENANT_SETTINGS, retentionDays: 30 };
    const backfill = { via: 'http', backfill: true } as const;
    for (const event of all) {
      expect(Date.parse(event.occurredAt)).toBeLessThan(Date.parse(`${UNTIL}T00:00:00.000Z`));
      expect(backdatingErrors(event.occurredAt, sentAt, settings, backfill, event.source)).toEqual([]);
    }
    // Without the capability, everything older than the tenant's bound would be refused.
    const refused = all.filter(
      (e) => backdatingErrors(e.occurredAt, sentAt, settings, { via: 'http' }, e.source).length > 0,
    );
    expect(refused.length).toBeGreaterThan(all.length / 2);
  });

  it('can be made smaller for tests', () => {
    const small = generateHistory({ world, seed: 42, until: UNTIL, days: 10, actionsPerDay: 3 });
    expect(small.every((h) => h.events.length > 0)).toBe(true);
    expect(small.flatMap((h) => h.events).length).toBeLessThan(all.length / 20);
  });
});
