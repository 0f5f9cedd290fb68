import { z } from 'zod';
import type { ExportSubject } from '@audit-log/model/stored-export';
import { fieldErrorsOf } from '@audit-log/model';
import type { Requester } from './access';
import { EXPORT_SOURCE } from './audit-events';
import type { RecordEncoder } from './encoders';
import { ExportError } from './errors';
import { parseExportFilter, planExportQuery, type ExportQueryPlan } from './filter';
import type { ExportRecord } from './record';
import { ACTOR_PERSONAL_FIELDS, BUILT_IN_PERSONAL_KEYS, normalisePersonalKey } from '../privacy';

/**
 * A subject access export (GDPR art. 15, the specification's `gdpr_export`): everything the log
 * holds about one person, from both tiers, as one JSON file through the export machinery, with a
 * PDF summary. "About one person" is two populations of the tenant's entries: those the subject
 * performed (`actor.id`), and those done to the subject as a user (`resource` of a person type),
 * each entry once. Both are ordinary planned queries, so they read the archive like any export.
 */

/** Resource types whose id names a person (the subject acted upon). */
export const PERSON_RESOURCE_TYPES = ['user'] as const;

/** How an exported entry concerns the subject. */
export type SubjectRelation = 'actor' | 'resource';

/** Which tier a row was read from. */
export type RecordTier = 'warm' | 'archive';

/** A row of a subject access export: the entry, how it concerns the subject, where it was read. */
export type SubjectRecord = ExportRecord & { relation: SubjectRelation; tier: RecordTier };

/** One query of an export job and how its rows are written. */
export interface ExportPopulation {
  plan: ExportQueryPlan;
  /** True for a row an earlier population of the job already wrote (it is written once). */
  writtenBefore: (record: ExportRecord) => boolean;
  /** The row as the file holds it. */
  present: (record: ExportRecord, tier: RecordTier) => ExportRecord;
}

const asIs = (record: ExportRecord) => record;

/** Shown instead of another person's personal value in a subject access export. */
export const WITHHELD = '[withheld]';

const THIRD_PARTY_METADATA_KEYS: ReadonlySet<string> = new Set(BUILT_IN_PERSONAL_KEYS);

/**
 * A row about the subject done by someone else, with that person's personal data withheld (GDPR
 * art. 15(4): the copy must not adversely affect the rights of others): the actor's e-mail,
 * name, address and agent, and the request's address and agent in `metadata`. The actor's id
 * stays (who acted is part of what happened); `changes` stay, as they describe the subject.
 */
export function withholdThirdParty(record: ExportRecord): ExportRecord {
  const actor: Record<string, unknown> = { ...record.actor };
  for (const field of ACTOR_PERSONAL_FIELDS) if (actor[field] !== undefined) actor[field] = WITHHELD;
  const out = { ...record, actor: actor as unknown as ExportRecord['actor'] };
  if (record.metadata) {
    out.metadata = Object.fromEntries(
      Object.entries(record.metadata).map(([key, value]) => [
        key,
        THIRD_PARTY_METADATA_KEYS.has(normalisePersonalKey(key)) ? WITHHELD : value,
      ]),
    );
  }
  return out;
}

/** The populations of a job: its filter for a plain export; the subject's two for a subject access export. */
export function exportPopulations(
  tenantId: string,
  job: { filter: Parameters<typeof planExportQuery>[1]; subject?: ExportSubject },
  blindIndex?: Parameters<typeof planExportQuery>[2],
): ExportPopulation[] {
  if (job.subject === undefined) {
    return [{ plan: planExportQuery(tenantId, job.filter, blindIndex), writtenBefore: () => false, present: asIs }];
  }
  const subject = job.subject.id;
  const tagged =
    (relation: SubjectRelation, shown: (record: ExportRecord) => ExportRecord) =>
    (record: ExportRecord, tier: RecordTier): SubjectRecord => ({ relation, tier, ...shown(record) });
  const populations: ExportPopulation[] = [
    {
      plan: planExportQuery(tenantId, parseExportFilter({ actorId: subject })),
      writtenBefore: () => false,
      present: tagged('actor', asIs),
    },
  ];
  for (const resourceType of PERSON_RESOURCE_TYPES) {
    populations.push({
      plan: planExportQuery(tenantId, parseExportFilter({ resourceType, resourceId: subject })),
      // The subject acting on their own user record is already in the actor population.
      writtenBefore: (record) => record.actor.id === subject,
      present: tagged('resource', withholdThirdParty),
    });
  }
  return populations;
}

export const startSubjectAccessExportSchema = z.strictObject({
  subject: z.string('must be a string').trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
  reason: z
    .string('must be a string')
    .trim()
    .min(3, 'must be at least 3 characters')
    .max(500, 'must be at most 500 characters'),
});

/** Parses a `startSubjectAccessExport` request; `invalid_argument` with field-level errors otherwise. */
export function parseStartSubjectAccessExport(input: unknown): { subject: string; reason: string } {
  const parsed = startSubjectAccessExportSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new ExportError('invalid_argument', 'the request breaks a rule', fieldErrorsOf(parsed.error.issues));
  }
  return parsed.data;
}

/** What the file says about itself before its entries. */
export interface SubjectAccessHeader {
  exportId: string;
  tenantId: string;
  subject: string;
  requestedAt: string;
}

/** The `format` member of the file: readers check it before they read on. */
export const SUBJECT_ACCESS_FORMAT = 'audit-log.subject-access.v1';

/**
 * The subject access file: one JSON object whose `entries` hold one row per line (the first
 * members of each row say how it concerns the subject and which tier it came from), closed by the
 * row count, so even a long history is read line by line and the PDF summary is built that way.
 */
export function subjectAccessEncoder(header: SubjectAccessHeader): RecordEncoder {
  return {
    format: 'json',
    contentType: 'application/json; charset=utf-8',
    extension: 'json',
    start: () =>
      `{"format":${JSON.stringify(SUBJECT_ACCESS_FORMAT)},"exportId":${JSON.stringify(header.exportId)},` +
      `"tenantId":${JSON.stringify(header.tenantId)},"subject":${JSON.stringify(header.subject)},` +
      `"requestedAt":${JSON.stringify(header.requestedAt)},"entries":[`,
    record: (record, index) => `${index === 0 ? '\n' : ',\n'}${JSON.stringify(record)}`,
    end: (rows) => `${rows === 0 ? '' : '\n'}],"count":${rows}}\n`,
  };
}

/** A row of the file from one of its lines; null for the header and closing lines. */
export function subjectRecordOfLine(line: string): SubjectRecord | null {
  const text = line.endsWith(',') ? line.slice(0, -1) : line;
  if (!text.startsWith('{"relation":')) return null;
  return JSON.parse(text) as SubjectRecord;
}

export type GdprExportStep = 'requested' | 'completed' | 'failed' | 'canceled';

export interface GdprExportEventInput {
  step: GdprExportStep;
  tenantId: string;
  occurredAt: Date;
  exportId: string;
  requester: Requester;
  subjectRef: string;
  reason: string;
  rows?: number;
  bytes?: number;
  sha256?: string | null;
  summary?: { reportId: string; sha256: string; pages: number };
  error?: string;
}

/**
 * `compliance.gdpr_export.requested` (then `.completed`, `.failed` or `.canceled`): who asked for
 * whose data and why, and the hashes of what was handed out. The subject is named by its
 * reference, the resource of the erasure entries too, so the history of one person's requests
 * reads as one entity history without the log repeating their identifier.
 */
export function gdprExportEvent(input: GdprExportEventInput): Record<string, unknown> {
  const { requester } = input;
  return {
    specVersion: '1.0',
    eventId: `gdpr-export-${input.exportId}-${input.step}`,
    eventType: `compliance.gdpr_export.${input.step}`,
    tenantId: input.tenantId,
    occurredAt: input.occurredAt.toISOString(),
    source: EXPORT_SOURCE,
    actor: {
      type: 'user',
      id: requester.uid,
      roles: [requester.role],
      ...(requester.email ? { email: requester.email } : {}),
    },
    resource: { type: 'data_subject', id: input.subjectRef },
    operation: input.step === 'requested' ? 'CREATE' : 'READ',
    outcome: input.step === 'failed' ? 'failure' : 'success',
    metadata: {
      exportId: input.exportId,
      reason: input.reason,
      ...(input.rows !== undefined ? { rows: input.rows } : {}),
      ...(input.bytes !== undefined ? { bytes: input.bytes } : {}),
      ...(input.sha256 ? { sha256: input.sha256 } : {}),
      ...(input.summary
        ? {
            summaryReportId: input.summary.reportId,
            summarySha256: input.summary.sha256,
            summaryPages: input.summary.pages,
          }
        : {}),
      ...(input.error ? { error: input.error } : {}),
    },
  };
}
