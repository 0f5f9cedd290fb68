import { CATEGORIES, LEVELS, type Category, type Level } from './catalog';
import { isCiphertext } from './sealed';
import { OUTCOMES, type ActorType, type Outcome } from './enums';
import { anomalyPattern, noRisk, riskScore, RISK_COMPONENTS, type RiskComponents } from './risk';
import type { TimestampLike } from './stored-document';
import type { ActorTally, RollupFigures, StoredDailyRollup } from './stored-rollup';

/**
 * The daily rollup of a tenant, `audit_rollups/{tenantId}~{YYYY-MM-DD}` (docs/analytics.md): the
 * figures of one UTC day of entries, computed server-side from the day's entries so the console
 * reads one document per day whatever the volume. Imports nothing but the model's value lists:
 * the functions accumulate with it, the console sums periods with it.
 */

/** Actors kept by name in one day's rollup, riskiest first; the rest are summed in `otherActors`. */
export const ROLLUP_TOP_ACTORS = 200;
/** Event types kept by name in one day's rollup, most frequent first; the rest in `otherEventTypes`. */
export const ROLLUP_TOP_EVENT_TYPES = 50;
/** Distinct actors an accumulator tracks by name at most; beyond, new actors go to "others" at once. */
const MAX_TRACKED_ACTORS = 50_000;

/** Document id of a tenant's day. `~` cannot occur in a tenant id, so ids never collide. */
export function rollupId(tenantId: string, date: string): string {
  return `${tenantId}~${date}`;
}

// The stored shapes are derived from their schemas in `stored-rollup.ts`; imported as types only,
// so this module (the console's period sums) carries no zod.
export type { ActorTally, OtherActors, RollupFigures, StoredDailyRollup } from './stored-rollup';

/**
 * `audit_rollups/{tenantId}~{date}` with `computedAt` held as `Instant`: a Timestamp as stored
 * (`StoredDailyRollup`), whatever a caller that does not show it makes of it.
 */
export type DailyRollup<Instant = TimestampLike> = Omit<StoredDailyRollup, 'computedAt'> & { computedAt: Instant };

/** What the accumulator reads of an entry. */
export interface RollupEntryView {
  eventType: string;
  category: Category;
  level: Level;
  outcome: Outcome;
  actor: { type: ActorType; id?: string; name?: string; email?: string; ip?: string };
}

export function actorKey(actor: RollupEntryView['actor']): string {
  if (actor.id !== undefined) return `${actor.type}:${actor.id}`;
  return actor.ip !== undefined ? `${actor.type}@${actor.ip}` : actor.type;
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export function emptyFigures(): RollupFigures {
  return {
    entries: 0,
    byCategory: zeros(CATEGORIES),
    byLevel: zeros(LEVELS),
    byOutcome: zeros(OUTCOMES),
    eventTypes: [],
    otherEventTypes: 0,
    actors: [],
    otherActors: { actors: 0, entries: 0, risk: 0, ...noRisk() },
    anomalies: [],
  };
}

function addComponents(into: RiskComponents & { entries: number }, from: RiskComponents & { entries: number }): void {
  into.entries += from.entries;
  for (const k of RISK_COMPONENTS) into[k] += from[k];
}

/** Riskiest first, then busiest, then by key: a stable order for equal scores. */
export function byRisk(a: ActorTally, b: ActorTally): number {
  return b.risk - a.risk || b.entries - a.entries || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Sums entries, or whole rollups, into one set of figures in bounded memory: counts are exact;
 * actors and event types are exact for those that stay in the top lists (an actor that falls out
 * of one day's top list is summed in "others" for that day).
 */
export class RollupAccumulator {
  private readonly figures = emptyFigures();
  private readonly actors = new Map<string, ActorTally>();
  private readonly eventTypes = new Map<string, number>();
  private readonly anomalies = new Map<string, number>();

  constructor(
    private readonly topActors = ROLLUP_TOP_ACTORS,
    private readonly topEventTypes = ROLLUP_TOP_EVENT_TYPES,
  ) {}

  /**
   * Counts one entry. A stored document is read as it is, not validated: a value outside the
   * value lists counts in `entries` only, so one malformed document cannot stop a day's rollup.
   */
  add(e: RollupEntryView): void {
    const f = this.figures;
    f.entries++;
    if (Object.hasOwn(f.byCategory, e.category)) f.byCategory[e.category]++;
    if (Object.hasOwn(f.byLevel, e.level)) f.byLevel[e.level]++;
    if (Object.hasOwn(f.byOutcome, e.outcome)) f.byOutcome[e.outcome]++;
    const eventType = typeof e.eventType === 'string' ? e.eventType : '';
    this.eventTypes.set(eventType, (this.eventTypes.get(eventType) ?? 0) + 1);
    const pattern = anomalyPattern(eventType);
    if (pattern !== null) this.anomalies.set(pattern, (this.anomalies.get(pattern) ?? 0) + 1);
    const actor: RollupEntryView['actor'] =
      e.actor !== null && typeof e.actor === 'object' ? e.actor : { type: 'anonymous' };
    // A sealed name or address (docs/privacy.md) is no label: rollups outlive an erasure.
    const label = [actor.name, actor.email].find((v) => v !== undefined && !isCiphertext(v));
    this.addActor({
      key: actorKey(actor),
      type: actor.type,
      ...(actor.id !== undefined ? { id: actor.id } : {}),
      ...(label !== undefined ? { label } : {}),
      entries: 1,
      denials: e.outcome === 'denied' ? 1 : 0,
      failures: e.outcome === 'failure' ? 1 : 0,
      critical: e.level === 'CRITICAL' ? 1 : 0,
      security: e.category === 'SECURITY' ? 1 : 0,
      anomalies: pattern !== null ? 1 : 0,
      risk: 0,
    });
  }

  /** Adds the figures of a rollup (another day, or another part of the same day). */
  merge(other: RollupFigures): void {
    const f = this.figures;
    f.entries += other.entries;
    for (const c of CATEGORIES) f.byCategory[c] += other.byCategory[c] ?? 0;
    for (const l of LEVELS) f.byLevel[l] += other.byLevel[l] ?? 0;
    for (const o of OUTCOMES) f.byOutcome[o] += other.byOutcome[o] ?? 0;
    for (const t of other.eventTypes)
      this.eventTypes.set(t.eventType, (this.eventTypes.get(t.eventType) ?? 0) + t.count);
    f.otherEventTypes += other.otherEventTypes;
    for (const a of other.anomalies) this.anomalies.set(a.pattern, (this.anomalies.get(a.pattern) ?? 0) + a.count);
    for (const a of other.actors) this.addActor({ ...a });
    f.otherActors.actors += other.otherActors.actors;
    addComponents(f.otherActors, other.otherActors);
  }

  private addActor(t: ActorTally): void {
    const known = this.actors.get(t.key);
    if (known) {
      addComponents(known, t);
      if (t.label !== undefined) known.label = t.label;
      return;
    }
    if (this.actors.size >= MAX_TRACKED_ACTORS) {
      this.figures.otherActors.actors++;
      addComponents(this.figures.otherActors, t);
      return;
    }
    this.actors.set(t.key, t);
  }

  /** The figures, with the top lists cut to their bounds and the rest summed. */
  result(): RollupFigures {
    const f = this.figures;
    const actors = [...this.actors.values()].map((a) => ({ ...a, risk: riskScore(a) })).sort(byRisk);
    const others = { ...f.otherActors };
    for (const a of actors.slice(this.topActors)) {
      others.actors++;
      addComponents(others, a);
    }
    others.risk = riskScore(others);
    const types = [...this.eventTypes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return {
      entries: f.entries,
      byCategory: { ...f.byCategory },
      byLevel: { ...f.byLevel },
      byOutcome: { ...f.byOutcome },
      eventTypes: types.slice(0, this.topEventTypes).map(([eventType, count]) => ({ eventType, count })),
      otherEventTypes: f.otherEventTypes + types.slice(this.topEventTypes).reduce((s, [, n]) => s + n, 0),
      actors: actors.slice(0, this.topActors),
      otherActors: others,
      anomalies: [...this.anomalies.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([pattern, count]) => ({ pattern, count })),
    };
  }
}
