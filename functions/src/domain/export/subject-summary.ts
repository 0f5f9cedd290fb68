import { CATEGORIES, type Category } from '../catalog';
import { ERASED, UNDECRYPTABLE } from '@audit-log/model/sealed';
import type { SubjectRecord } from './subject-access';

/**
 * The PDF summary of a subject access export, built in one pass over the file's rows with memory
 * bounded by the limits below: how many entries, how they concern the subject, from which tier,
 * when, of which kinds, and which personal values of the subject the log holds (the answer to
 * "what data do you have about me", which the JSON file holds in full).
 */

/** Distinct personal values listed per kind; beyond this they are only counted. */
export const SUMMARY_VALUE_LIMIT = 20;
/** Rows of the event-type table. */
export const SUMMARY_EVENT_TYPES = 15;
/** Distinct event types counted exactly. */
const DISTINCT_EVENT_TYPES = 5_000;

/** Kinds of personal value the summary lists, and where an entry holds them for its actor. */
const PERSONAL_KINDS = [
  { kind: 'email', label: 'E-mail addresses', field: 'email' },
  { kind: 'name', label: 'Names', field: 'name' },
  { kind: 'ip', label: 'IP addresses', field: 'ip' },
  { kind: 'userAgent', label: 'User agents', field: 'userAgent' },
] as const;

export interface PersonalValues {
  kind: string;
  label: string;
  /** Distinct values, first seen first, at most {@link SUMMARY_VALUE_LIMIT}. */
  values: string[];
  /** Distinct values beyond the list. */
  more: number;
}

export interface SubjectSummary {
  exportId: string;
  tenantId: string;
  subject: string;
  subjectRef: string;
  reason: string;
  requestedAt: string;
  entries: number;
  asActor: number;
  asResource: number;
  warm: number;
  archived: number;
  firstOccurredAt: string | null;
  lastOccurredAt: string | null;
  byCategory: Array<{ category: Category; count: number }>;
  eventTypes: Array<{ eventType: string; count: number }>;
  /** Personal values the entries hold about the subject as actor (opened for the reader). */
  personal: PersonalValues[];
  /** Personal fields that could not be shown: erased (key destroyed) or undecryptable. */
  erasedFields: number;
  file: { fileName: string; sha256: string; bytes: number };
}

export type SubjectSummaryHeader = Omit<
  SubjectSummary,
  | 'entries'
  | 'asActor'
  | 'asResource'
  | 'warm'
  | 'archived'
  | 'firstOccurredAt'
  | 'lastOccurredAt'
  | 'byCategory'
  | 'eventTypes'
  | 'personal'
  | 'erasedFields'
>;

const concealed = (value: unknown) => value === ERASED || value === UNDECRYPTABLE;

/** Accumulates the rows of a subject access file into its summary. */
export class SubjectSummaryBuilder {
  private entries = 0;
  private asActor = 0;
  private warm = 0;
  private first: string | null = null;
  private last: string | null = null;
  private readonly categories = new Map<Category, number>();
  private readonly eventTypes = new Map<string, number>();
  private readonly values = new Map<string, { seen: Set<string>; listed: string[] }>(
    PERSONAL_KINDS.map((k) => [k.kind, { seen: new Set<string>(), listed: [] }]),
  );
  private erased = 0;

  add(record: SubjectRecord): void {
    this.entries++;
    if (record.relation === 'actor') this.asActor++;
    if (record.tier === 'warm') this.warm++;
    const at = String(record.occurredAt);
    if (this.first === null || at < this.first) this.first = at;
    if (this.last === null || at > this.last) this.last = at;
    this.categories.set(record.category, (this.categories.get(record.category) ?? 0) + 1);
    const known = this.eventTypes.get(record.eventType);
    if (known !== undefined || this.eventTypes.size < DISTINCT_EVENT_TYPES) {
      this.eventTypes.set(record.eventType, (known ?? 0) + 1);
    }
    if (record.relation !== 'actor') return;
    const actor = record.actor as unknown as Record<string, unknown>;
    for (const { kind, field } of PERSONAL_KINDS) {
      const value = actor[field];
      if (concealed(value)) {
        this.erased++;
        continue;
      }
      if (typeof value !== 'string' || value.length === 0) continue;
      const bucket = this.values.get(kind)!;
      // Distinct values are bounded by the subject's own history; the list shows the first ones.
      if (!bucket.seen.has(value) && bucket.listed.length < SUMMARY_VALUE_LIMIT) bucket.listed.push(value);
      bucket.seen.add(value);
    }
  }

  result(header: SubjectSummaryHeader): SubjectSummary {
    return {
      ...header,
      entries: this.entries,
      asActor: this.asActor,
      asResource: this.entries - this.asActor,
      warm: this.warm,
      archived: this.entries - this.warm,
      firstOccurredAt: this.first,
      lastOccurredAt: this.last,
      byCategory: CATEGORIES.map((category) => ({ category, count: this.categories.get(category) ?? 0 })).filter(
        (c) => c.count > 0,
      ),
      eventTypes: [...this.eventTypes]
        .map(([eventType, count]) => ({ eventType, count }))
        .sort((a, b) => b.count - a.count || a.eventType.localeCompare(b.eventType))
        .slice(0, SUMMARY_EVENT_TYPES),
      personal: PERSONAL_KINDS.map(({ kind, label }) => {
        const bucket = this.values.get(kind)!;
        return { kind, label, values: [...bucket.listed], more: bucket.seen.size - bucket.listed.length };
      }),
      erasedFields: this.erased,
    };
  }
}
