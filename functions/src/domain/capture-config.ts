import { z } from 'zod';
import { classify } from './classify';
import type { FieldError } from './errors';
import { AuditFailure } from './failure';
import { fieldErrorsOf } from '@audit-log/model';

/**
 * Which business collections change capture watches, and how their changes are named and
 * classified. One target becomes one `onDocumentWritten` trigger (function `capture-<name>`).
 */

/** The categories a captured change can have: what a document write means to an auditor. */
export const CAPTURE_CATEGORIES = ['DATA_MODIFICATION', 'SYSTEM_CONFIGURATION', 'AUTHORIZATION'] as const;
export type CaptureCategory = (typeof CAPTURE_CATEGORIES)[number];

/**
 * Event type namespace per category. The classifier's prefix rules map `data.` to
 * DATA_MODIFICATION, `config.` to SYSTEM_CONFIGURATION and `permission.` to AUTHORIZATION, so a
 * captured change is classified like any other event (tenant overrides included).
 */
export const CAPTURE_NAMESPACE: Readonly<Record<CaptureCategory, string>> = {
  DATA_MODIFICATION: 'data',
  SYSTEM_CONFIGURATION: 'config',
  AUTHORIZATION: 'permission',
};

/** The verbs of captured event types, by operation. */
export const CAPTURE_VERBS = { CREATE: 'created', UPDATE: 'updated', DELETE: 'deleted' } as const;

const WILDCARD = /^\{[A-Za-z_][A-Za-z0-9_]*\}$/;
const LITERAL_SEGMENT = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Collections the audit system writes itself. Capturing them would audit the audit log (and a
 * capture of `audit_logs` would feed itself forever), so they are refused in configuration and
 * again for every single event.
 */
export function isAuditOwnedCollection(collectionId: string): boolean {
  return collectionId.startsWith('audit_') || collectionId === 'notifications';
}

/** The collection ids of a document path or pattern: segments 0, 2, 4, ... */
export function collectionIds(path: string): string[] {
  return path.split('/').filter((_segment, i) => i % 2 === 0);
}

/** True when any collection on the path belongs to the audit system. */
export function isAuditOwnedPath(path: string): boolean {
  return collectionIds(path).some(isAuditOwnedCollection);
}

function documentPatternProblems(document: string): string[] {
  const segments = document.split('/');
  const problems: string[] = [];
  if (segments.length < 2 || segments.length % 2 !== 0) {
    problems.push('must be a document path: collection/{id} pairs, e.g. tenants/{tenantId}/repos/{docId}');
    return problems;
  }
  segments.forEach((segment, i) => {
    const isCollection = i % 2 === 0;
    if (isCollection && !LITERAL_SEGMENT.test(segment)) {
      // A wildcard collection could match audit_logs; collections are always named.
      problems.push(`segment ${i + 1} ("${segment}") must be a literal collection id`);
    } else if (!isCollection && !WILDCARD.test(segment) && !LITERAL_SEGMENT.test(segment)) {
      problems.push(`segment ${i + 1} ("${segment}") must be a document id or a {wildcard}`);
    } else if (isCollection && isAuditOwnedCollection(segment)) {
      problems.push(`collection "${segment}" belongs to the audit system and is never captured`);
    }
  });
  if (!segments.includes('{tenantId}')) problems.push('must contain the {tenantId} wildcard');
  return problems;
}

export const captureTargetSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9]{0,29}$/, 'must be 1-30 lower-case letters or digits, e.g. repos'),
    document: z.string().max(512, 'must be at most 512 characters'),
    resourceType: z
      .string()
      .max(64, 'must be at most 64 characters')
      .regex(/^[a-z][a-z0-9_]*$/, 'must be lower_snake_case, e.g. repository'),
    category: z.enum(CAPTURE_CATEGORIES, `must be one of ${CAPTURE_CATEGORIES.join(', ')}`),
    eventPrefix: z
      .string()
      .max(100, 'must be at most 100 characters')
      .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must be dotted lower_snake_case, e.g. data.repository')
      .optional(),
  })
  .superRefine((target, ctx) => {
    for (const message of documentPatternProblems(target.document)) {
      ctx.addIssue({ code: 'custom', path: ['document'], message });
    }
  });
export type CaptureTarget = z.infer<typeof captureTargetSchema>;

/** The event type prefix of a target: its own, or `<namespace>.<resourceType>`. */
export function eventPrefixOf(target: CaptureTarget): string {
  return target.eventPrefix ?? `${CAPTURE_NAMESPACE[target.category]}.${target.resourceType}`;
}

/**
 * The demo's watched collections: the GitHub-like app keeps them as subcollections of its tenant
 * document. The tenant document itself holds the audit settings and is not captured.
 */
export const DEFAULT_CAPTURE_TARGETS: readonly CaptureTarget[] = [
  {
    name: 'repos',
    document: 'tenants/{tenantId}/repos/{docId}',
    resourceType: 'repository',
    category: 'DATA_MODIFICATION',
  },
  {
    name: 'issues',
    document: 'tenants/{tenantId}/issues/{docId}',
    resourceType: 'issue',
    category: 'DATA_MODIFICATION',
  },
  {
    name: 'pulls',
    document: 'tenants/{tenantId}/pulls/{docId}',
    resourceType: 'pull_request',
    category: 'DATA_MODIFICATION',
  },
  {
    name: 'members',
    document: 'tenants/{tenantId}/members/{docId}',
    resourceType: 'member',
    category: 'AUTHORIZATION',
  },
  {
    name: 'settings',
    document: 'tenants/{tenantId}/settings/{docId}',
    resourceType: 'settings',
    category: 'SYSTEM_CONFIGURATION',
  },
];

/** A capture configuration that cannot be used; deployment stops with these field errors. */
export class CaptureConfigError extends AuditFailure<'capture_config_invalid'> {
  override readonly name = 'CaptureConfigError';
  constructor(errors: readonly FieldError[]) {
    super(
      'capture_config_invalid',
      `invalid change-capture configuration: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      errors,
    );
  }
}

const targetsSchema = z
  .array(captureTargetSchema, 'must be an array of capture targets')
  .min(1, 'must list at least one target')
  .max(20, 'must list at most 20 targets');

/**
 * Validates a capture configuration: each target's shape and document pattern, unique names and
 * patterns, and that the event types it produces are classified in the target's category (a
 * catalog entry or tenant-independent rule that says otherwise would make the setting a lie).
 */
export function parseCaptureTargets(value: unknown): CaptureTarget[] {
  const parsed = targetsSchema.safeParse(value);
  if (!parsed.success) {
    throw new CaptureConfigError(fieldErrorsOf(parsed.error.issues));
  }
  const errors: FieldError[] = [];
  const seenNames = new Set<string>();
  const seenDocuments = new Set<string>();
  parsed.data.forEach((target, i) => {
    if (seenNames.has(target.name)) errors.push({ path: `${i}.name`, message: `"${target.name}" is used twice` });
    if (seenDocuments.has(target.document)) {
      errors.push({ path: `${i}.document`, message: `"${target.document}" is watched twice` });
    }
    seenNames.add(target.name);
    seenDocuments.add(target.document);
    for (const verb of Object.values(CAPTURE_VERBS)) {
      const eventType = `${eventPrefixOf(target)}.${verb}`;
      const { category } = classify({ eventType, outcome: 'success' });
      if (category !== target.category) {
        errors.push({
          path: `${i}.eventPrefix`,
          message: `${eventType} is classified ${category}, not ${target.category}; choose another prefix`,
        });
      }
    }
  });
  if (errors.length > 0) throw new CaptureConfigError(errors);
  return parsed.data;
}

/**
 * The targets from the `AUDIT_CAPTURE_TARGETS` setting (a JSON array), or the defaults when it
 * is unset or blank. Invalid JSON or targets throw {@link CaptureConfigError}.
 */
export function captureTargetsFromSetting(setting: string | undefined): CaptureTarget[] {
  if (setting === undefined || setting.trim() === '') return [...DEFAULT_CAPTURE_TARGETS];
  let value: unknown;
  try {
    value = JSON.parse(setting) as unknown;
  } catch (err) {
    throw new CaptureConfigError([{ path: '', message: `must be a JSON array (${String(err)})` }]);
  }
  return parseCaptureTargets(value);
}
