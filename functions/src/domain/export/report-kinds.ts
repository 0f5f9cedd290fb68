import { z } from 'zod';
import type { Category, Level } from '../catalog';
import { normalizeInstant } from '../entry';
import { OPERATIONS, type Operation } from '../envelope';
import { ExportError } from './errors';
import type { ExportWhere } from './filter';
import type { ExportRecord } from './record';
import { fieldErrorsOf } from '@audit-log/model';

/** The four compliance reports. */
export const REPORT_KINDS = ['access', 'change', 'security', 'compliance'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** The entry fields a report reads; everything else stays in the store. */
export type ReportEntry = Pick<
  ExportRecord,
  | 'logId'
  | 'occurredAt'
  | 'eventType'
  | 'category'
  | 'level'
  | 'outcome'
  | 'operation'
  | 'actor'
  | 'resource'
  | 'requiresReview'
  | 'reviewStatus'
  | 'changedFields'
  | 'metadata'
>;

/**
 * One query of a report's population: conditions beyond `tenantId ==` and the period, and the
 * same conditions as a predicate. A later population skips entries an earlier one matched, so an
 * entry is counted once without remembering ids (memory stays flat however long the period).
 */
export interface Population {
  where: ExportWhere[];
  matches(entry: Pick<ReportEntry, 'category' | 'level' | 'requiresReview'>): boolean;
}

export interface ReportDefinition {
  kind: ReportKind;
  title: string;
  /** One sentence on what the report covers, for its cover page. */
  scope: string;
  populations: Population[];
  /** Rank of an entry among the notable ones (higher first), or null when it is not notable. */
  notability(entry: ReportEntry): number | null;
}

/**
 * Whether population `index` counts `entry`: only when no earlier population matched it, so an
 * entry found by two queries (a CRITICAL security event) is counted once.
 */
export function countedBy(
  populations: readonly Population[],
  index: number,
  entry: Pick<ReportEntry, 'category' | 'level' | 'requiresReview'>,
): boolean {
  return !populations.slice(0, index).some((p) => p.matches(entry));
}

const SEVERITY: Readonly<Record<Level, number>> = { INFO: 0, WARNING: 1, ERROR: 2, CRITICAL: 3 };

/** Severity rank of a level: INFO 0 … CRITICAL 3. */
export function severity(level: Level): number {
  return SEVERITY[level];
}

const inCategories = (categories: readonly Category[]): Population => ({
  where: [{ field: 'category', op: 'in', value: categories }],
  matches: (e) => categories.includes(e.category),
});

const failed = (e: ReportEntry) => e.outcome === 'failure' || e.outcome === 'denied';

/** Event types whose entries the compliance report lists as exports and reports. */
export const EXPORT_COMPLETED = 'compliance.export.completed';
export const REPORT_GENERATED = 'compliance.report.generated';

export const REPORT_DEFINITIONS: Readonly<Record<ReportKind, ReportDefinition>> = {
  access: {
    kind: 'access',
    title: 'Access report',
    scope: 'Who signed in, who was granted or denied access, and who read which resources.',
    populations: [inCategories(['AUTHENTICATION', 'AUTHORIZATION', 'DATA_ACCESS'])],
    notability: (e) => (failed(e) || severity(e.level) >= 1 ? severity(e.level) * 2 + (failed(e) ? 1 : 0) : null),
  },
  change: {
    kind: 'change',
    title: 'Change report',
    scope: 'Configuration changes and changes to data: what changed, by whom and when.',
    populations: [inCategories(['DATA_MODIFICATION', 'SYSTEM_CONFIGURATION'])],
    notability: (e) => {
      if (severity(e.level) >= 1) return severity(e.level) * 2 + 1;
      if (e.operation === 'DELETE' || e.category === 'SYSTEM_CONFIGURATION') return 1;
      return null;
    },
  },
  security: {
    kind: 'security',
    title: 'Security report',
    scope: 'Security events, every CRITICAL entry of any category, and detected anomalies.',
    populations: [
      { where: [{ field: 'category', op: '==', value: 'SECURITY' }], matches: (e) => e.category === 'SECURITY' },
      { where: [{ field: 'level', op: '==', value: 'CRITICAL' }], matches: (e) => e.level === 'CRITICAL' },
    ],
    notability: (e) => severity(e.level) * 2 + (e.eventType.startsWith('security.anomaly') ? 1 : 0),
  },
  compliance: {
    kind: 'compliance',
    title: 'Compliance report',
    scope: 'Exports and reports of audit data, review outcomes of flagged entries, and retention state.',
    populations: [
      { where: [{ field: 'category', op: '==', value: 'COMPLIANCE' }], matches: (e) => e.category === 'COMPLIANCE' },
      {
        // Review outcomes come from the entries' review docs, joined by the reader.
        where: [{ field: 'requiresReview', op: '==', value: true }],
        matches: (e) => e.requiresReview,
      },
    ],
    notability: (e) => {
      if (e.eventType === EXPORT_COMPLETED || e.eventType === REPORT_GENERATED) return null; // listed apart
      if (e.reviewStatus === 'escalated') return 8;
      if (e.reviewStatus === 'investigating') return 7;
      if (e.reviewStatus === 'pending') return 4 + severity(e.level) / 4;
      return severity(e.level) >= 1 || e.category === 'COMPLIANCE' ? severity(e.level) : null;
    },
  },
};

/** Longest period one report covers (a year and a bit, for annual reviews). */
export const MAX_REPORT_DAYS = 400;

const iso = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a zone' });

export const generateReportRequestSchema = z
  .strictObject({
    kind: z.enum(REPORT_KINDS, `must be one of ${REPORT_KINDS.join(', ')}`),
    from: iso,
    to: iso,
    /** Only entries with one of these operations (what was created, changed, deleted, ...). */
    operations: z
      .array(z.enum(OPERATIONS, `must be one of ${OPERATIONS.join(', ')}`))
      .max(OPERATIONS.length, `must list at most ${OPERATIONS.length} operations`)
      .transform((v) => [...new Set(v)])
      .optional(),
  })
  .refine((r) => Date.parse(r.from) < Date.parse(r.to), { message: 'must be before to', path: ['from'] })
  .refine((r) => Date.parse(r.to) - Date.parse(r.from) <= MAX_REPORT_DAYS * 86_400_000, {
    message: `must cover at most ${MAX_REPORT_DAYS} days`,
    path: ['to'],
  });

export interface ReportPeriod {
  /** Inclusive, ISO UTC. */
  from: string;
  /** Exclusive, ISO UTC. */
  to: string;
}

/** Parses a `generateReport` request; `invalid_argument` with field-level errors otherwise. */
export function parseGenerateReport(input: unknown): {
  kind: ReportKind;
  period: ReportPeriod;
  /** Present only when it narrows: every operation (or none) is no condition. */
  operations?: Operation[];
} {
  const parsed = generateReportRequestSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new ExportError('invalid_argument', 'the report request breaks a rule', fieldErrorsOf(parsed.error.issues));
  }
  const operations = parsed.data.operations ?? [];
  return {
    kind: parsed.data.kind,
    period: { from: normalizeInstant(parsed.data.from), to: normalizeInstant(parsed.data.to) },
    ...(operations.length > 0 && operations.length < OPERATIONS.length ? { operations } : {}),
  };
}

/**
 * The conditions of one population of a report limited to `operations`: the same operation
 * condition on every population, so an entry an earlier population counted still has it, and
 * {@link countedBy} stays right. Each combination is served by an `operation` index.
 */
export function populationWhere(population: Population, operations: readonly Operation[] | undefined): ExportWhere[] {
  if (!operations || operations.length === 0) return population.where;
  const [only] = operations;
  const condition: ExportWhere =
    operations.length === 1 && only !== undefined
      ? { field: 'operation', op: '==', value: only }
      : { field: 'operation', op: 'in', value: [...operations] };
  return [...population.where, condition];
}

/** The calendar month (UTC) before the one `now` falls in: the period of the monthly reports. */
export function previousMonth(now: Date): ReportPeriod & { label: string } {
  const to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const fromDate = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const label = fromDate.toISOString().slice(0, 7);
  return { from: fromDate.toISOString(), to: new Date(to).toISOString(), label };
}
