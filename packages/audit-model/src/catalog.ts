import { ARCHIVE_SEARCHED_EVENT, ENTRY_VIEWED_EVENT, LOG_SEARCHED_EVENT } from './access';

/** The eight audit categories of the contract. */
export const CATEGORIES = [
  'AUTHENTICATION',
  'AUTHORIZATION',
  'DATA_ACCESS',
  'DATA_MODIFICATION',
  'SECURITY',
  'SYSTEM_CONFIGURATION',
  'COMPLIANCE',
  'BUSINESS_OPERATION',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** The four levels, in increasing severity. */
export const LEVELS = ['INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type Level = (typeof LEVELS)[number];

/** The more severe of two levels. */
export function maxLevel(a: Level, b: Level): Level {
  return LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b;
}

/**
 * How a known event type is classified when it succeeds. `level` is the success level; failures
 * are raised by the outcome rules in `functions/src/domain/classify.ts`; change-aware rules may
 * raise it further.
 */
export interface CatalogEntry {
  category: Category;
  level: Level;
}

const entry = (category: Category, level: Level = 'INFO'): CatalogEntry => ({ category, level });

/**
 * The seed catalog of the GitHub-like app. Every type here is classified exactly; anything else
 * falls back to the prefix rules and then to the generic default.
 */
const SEED_CATALOG = {
  'auth.user.login': entry('AUTHENTICATION'),
  'auth.user.logout': entry('AUTHENTICATION'),
  'auth.login.failed': entry('AUTHENTICATION', 'WARNING'),
  'auth.password.changed': entry('AUTHENTICATION'),
  'auth.mfa.enabled': entry('AUTHENTICATION'),
  // Turning off a second factor weakens an account: a security event, reviewed.
  'auth.mfa.disabled': entry('SECURITY', 'WARNING'),
  'auth.token.refreshed': entry('AUTHENTICATION'),
  'auth.session.expired': entry('AUTHENTICATION'),
  'auth.permission.changed': entry('AUTHORIZATION'),
  'auth.role.changed': entry('AUTHORIZATION'),
  'auth.email.verified': entry('AUTHENTICATION'),
  'auth.user.created': entry('AUTHENTICATION'),

  'repo.created': entry('DATA_MODIFICATION'),
  'repo.deleted': entry('DATA_MODIFICATION', 'WARNING'),
  'repo.visibility_changed': entry('SYSTEM_CONFIGURATION'),
  'repo.settings_updated': entry('SYSTEM_CONFIGURATION'),
  'repo.collaborator_added': entry('AUTHORIZATION'),
  'repo.collaborator_removed': entry('AUTHORIZATION'),
  'repo.permission_changed': entry('AUTHORIZATION'),

  'issue.created': entry('BUSINESS_OPERATION'),
  'issue.closed': entry('BUSINESS_OPERATION'),
  'issue.reopened': entry('BUSINESS_OPERATION'),
  'issue.assigned': entry('BUSINESS_OPERATION'),
  'issue.unassigned': entry('BUSINESS_OPERATION'),
  'issue.labeled': entry('BUSINESS_OPERATION'),
  'issue.unlabeled': entry('BUSINESS_OPERATION'),
  'issue.commented': entry('BUSINESS_OPERATION'),

  'pr.opened': entry('BUSINESS_OPERATION'),
  // Merging and committing change the code base itself.
  'pr.merged': entry('DATA_MODIFICATION'),
  'pr.closed': entry('BUSINESS_OPERATION'),
  'pr.reopened': entry('BUSINESS_OPERATION'),
  'pr.review_requested': entry('BUSINESS_OPERATION'),
  'pr.reviewed': entry('BUSINESS_OPERATION'),
  'pr.approved': entry('BUSINESS_OPERATION'),
  'pr.changes_requested': entry('BUSINESS_OPERATION'),
  'pr.committed': entry('DATA_MODIFICATION'),
  'pr.conflict_detected': entry('BUSINESS_OPERATION', 'WARNING'),

  'org.member_added': entry('AUTHORIZATION'),
  'org.member_removed': entry('AUTHORIZATION'),
  'org.team_created': entry('AUTHORIZATION'),
  'org.team_deleted': entry('AUTHORIZATION', 'WARNING'),
  'org.settings_updated': entry('SYSTEM_CONFIGURATION'),
  'org.billing_changed': entry('BUSINESS_OPERATION'),
  // Webhooks send data out of the organisation: configuration worth a warning when added.
  'org.webhook_added': entry('SYSTEM_CONFIGURATION', 'WARNING'),
  'org.webhook_deleted': entry('SYSTEM_CONFIGURATION'),
} satisfies Record<string, CatalogEntry>;

/**
 * Event types the audit system records about itself (from reserved sources), classified exactly
 * like the seed catalog but not offered to producers' typed builders.
 */
const SYSTEM_CATALOG = {
  // The checkpoint chain or a verification found the log tampered with (or an entry that arrived
  // in a window already signed): always reviewed, always alerted.
  'security.integrity_violation': entry('SECURITY', 'CRITICAL'),
  // Reads of the log itself. By the prefix rules `audit.*` would be COMPLIANCE, and by the suffix
  // rule `.searched`/`.viewed` DATA_ACCESS; prefixes win, so the choice is made here, by name: a
  // read is DATA_ACCESS (INFO, never reviewed), like `api.events.listed`. Exports and report
  // downloads stay COMPLIANCE (`compliance.*.downloaded`): they take a copy out of the log.
  [LOG_SEARCHED_EVENT]: entry('DATA_ACCESS'),
  [ENTRY_VIEWED_EVENT]: entry('DATA_ACCESS'),
  [ARCHIVE_SEARCHED_EVENT]: entry('DATA_ACCESS'),
} satisfies Record<string, CatalogEntry>;

/** Every event type of the catalog, as a literal union (typed builders of the publisher SDK use it). */
export type CatalogEventType = keyof typeof SEED_CATALOG;
/** The catalog by event type; indexable by any string so unknown types fall through to the prefix rules. */
export const EVENT_CATALOG: Readonly<Record<string, CatalogEntry>> = { ...SEED_CATALOG, ...SYSTEM_CATALOG };
/** The catalog's event types, in catalog order. */
export const CATALOG_EVENT_TYPES = Object.keys(SEED_CATALOG) as readonly CatalogEventType[];

/**
 * Earlier names of catalog types, still accepted from producers: ingest stores an event sent under
 * an alias under its canonical name (the specification's), on every path. The alias itself is not
 * kept, so the same event sent once under each name is one entry.
 */
export const EVENT_TYPE_ALIASES: Readonly<Record<string, CatalogEventType>> = {
  'auth.login': 'auth.user.login',
  'auth.logout': 'auth.user.logout',
};

/** The canonical name of an event type: the catalog's name for an alias, else the type itself. */
export function canonicalEventType(eventType: string): string {
  return Object.hasOwn(EVENT_TYPE_ALIASES, eventType) ? EVENT_TYPE_ALIASES[eventType]! : eventType;
}

/** Prefix fallbacks for types outside the catalog, longest prefix first. */
export const PREFIX_RULES: ReadonlyArray<readonly [string, CatalogEntry]> = [
  ['permission.check.denied', entry('AUTHORIZATION', 'WARNING')],
  ['permission.', entry('AUTHORIZATION')],
  ['config.', entry('SYSTEM_CONFIGURATION')],
  // Document changes recorded by change capture (`data.repository.updated`, ...).
  ['data.', entry('DATA_MODIFICATION')],
  ['security.', entry('SECURITY', 'CRITICAL')],
  ['compliance.', entry('COMPLIANCE')],
  ['audit.', entry('COMPLIANCE')],
  ['workflow.', entry('BUSINESS_OPERATION')],
  ['billing.', entry('BUSINESS_OPERATION')],
  ['webhook.', entry('SYSTEM_CONFIGURATION')],
  ['auth.', entry('AUTHENTICATION')],
];

/** Reads of data, whatever the module: `*.viewed`, `*.downloaded`, ... */
export const DATA_ACCESS_SUFFIX = /\.(viewed|read|accessed|downloaded|exported|cloned|searched|listed)$/;

/** The generic default for anything unknown. */
export const DEFAULT_CLASSIFICATION: CatalogEntry = entry('BUSINESS_OPERATION');
