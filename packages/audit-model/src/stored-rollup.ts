import * as z from 'zod/mini';
import { CATEGORIES, LEVELS } from './catalog';
import { ACTOR_TYPES, OUTCOMES } from './enums';
import { RISK_COMPONENTS, type RiskComponents } from './risk';
import { storedConverter, timestampSchema } from './stored-document';

/**
 * `audit_rollups/{tenantId}~{YYYY-MM-DD}` as stored (docs/analytics.md): the schema the rollup job,
 * tiering and the console read it with, and the types of `rollup.ts` derived from it. `rollup.ts`
 * imports these types only, so the console's period sums stay free of zod.
 */

const count = z.number().check(z.int(), z.minimum(0));

/** The risk score's components as stored: one count per component. */
const riskComponentsShape = Object.fromEntries(RISK_COMPONENTS.map((k) => [k, count])) as Record<
  keyof RiskComponents,
  typeof count
>;

/** One actor's day: entries and the risk score's components. */
export const actorTallySchema = z.object({
  ...riskComponentsShape,
  /** `type:id`, `type@ip` without an id, or the type alone. */
  key: z.string(),
  type: z.enum(ACTOR_TYPES),
  id: z.optional(z.string()),
  /** Name or e-mail address, as the newest entry gave it. */
  label: z.optional(z.string()),
  entries: count,
  risk: z.number().check(z.minimum(0)),
});
export type ActorTally = z.infer<typeof actorTallySchema>;

/** The actors summed outside the top list. */
export const otherActorsSchema = z.object({
  ...riskComponentsShape,
  actors: count,
  entries: count,
  risk: z.number().check(z.minimum(0)),
});
export type OtherActors = z.infer<typeof otherActorsSchema>;

const tallyOf = <K extends string>(key: K) =>
  z.object({ [key]: z.string(), count } as Record<K, z.ZodMiniString> & {
    count: typeof count;
  });

/** The figures of a rollup (what the accumulator produces, what the console sums). */
export const rollupFiguresShape = {
  entries: count,
  byCategory: z.record(z.enum(CATEGORIES), count),
  byLevel: z.record(z.enum(LEVELS), count),
  byOutcome: z.record(z.enum(OUTCOMES), count),
  /** Event types, most frequent first (arrays, not maps: event types contain dots). */
  eventTypes: z.array(tallyOf('eventType')),
  otherEventTypes: count,
  /** Riskiest first (ties: more entries, then key). */
  actors: z.array(actorTallySchema),
  otherActors: otherActorsSchema,
  /** Entries each detector raised (see `anomalyPattern`), most frequent first. */
  anomalies: z.array(tallyOf('pattern')),
};
export const rollupFiguresSchema = z.object(rollupFiguresShape);
export type RollupFigures = z.infer<typeof rollupFiguresSchema>;

/** The daily rollup document. */
export const dailyRollupSchema = z.object({
  ...rollupFiguresShape,
  tenantId: z.string().check(z.minLength(1)),
  /** The UTC day, `YYYY-MM-DD`. */
  date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD')),
  /**
   * False while the day may still receive entries in normal delivery (today, and the first hour
   * after midnight): the next run computes it again.
   */
  final: z.boolean(),
  computedAt: timestampSchema,
  /**
   * Tiering took the day over (before deleting its entries): only tiering changes the rollup
   * from then on, folding in entries back-dated into the day after it was archived.
   */
  archived: z.boolean(),
  /** Entries folded in after the day was archived (backfill), so each is counted once. */
  lateLogIds: z.array(z.string()),
  /**
   * Entries the day is known to hold beyond `entries`: back-dated into the day while tiering was
   * archiving it, so they reached the archive unseen. In totals, not in the other figures.
   */
  uncounted: count,
});
export type StoredDailyRollup = z.infer<typeof dailyRollupSchema>;

/** Converter of `audit_rollups` for `withConverter` of either SDK. */
export const dailyRollupConverter = storedConverter(dailyRollupSchema);
