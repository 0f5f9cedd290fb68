import type { ReviewStatus } from '@audit-log/model/enums';
import {
  DATA_ACCESS_SUFFIX,
  DEFAULT_CLASSIFICATION,
  EVENT_CATALOG,
  PREFIX_RULES,
  maxLevel,
  type CatalogEntry,
  type Category,
  type Level,
} from './catalog';
import type { Changes, Outcome } from './envelope';
import type { ClassificationOverride } from './tenant';

export { REVIEW_STATUSES, type ReviewStatus } from '@audit-log/model/enums';

export interface Classification {
  category: Category;
  level: Level;
  requiresReview: boolean;
  reviewStatus: ReviewStatus;
}

export interface ClassificationInput {
  eventType: string;
  outcome: Outcome;
  changes?: Changes | undefined;
}

// A failed or denied action is a WARNING where the attempt itself is routine (a wrong password,
// a denied permission) and an ERROR where a failure leaves data or configuration in doubt.
const FAILURE_LEVEL: Readonly<Record<Category, Level>> = {
  AUTHENTICATION: 'WARNING',
  AUTHORIZATION: 'WARNING',
  DATA_ACCESS: 'WARNING',
  BUSINESS_OPERATION: 'WARNING',
  DATA_MODIFICATION: 'ERROR',
  SYSTEM_CONFIGURATION: 'ERROR',
  COMPLIANCE: 'ERROR',
  SECURITY: 'ERROR',
};

const PRIVILEGE_FIELDS = ['role', 'permission', 'access', 'accessLevel'] as const;
const ADMIN_VALUES = new Set(['admin', 'owner', 'administrator']);

function baseEntry(eventType: string): CatalogEntry {
  const exact = EVENT_CATALOG[eventType];
  if (exact) return exact;
  for (const [prefix, rule] of PREFIX_RULES) {
    if (eventType.startsWith(prefix)) return rule;
  }
  if (DATA_ACCESS_SUFFIX.test(eventType)) return { category: 'DATA_ACCESS', level: 'INFO' };
  return DEFAULT_CLASSIFICATION;
}

function field(side: Record<string, unknown> | null | undefined, name: string): unknown {
  return side ? side[name] : undefined;
}

/** A repository that was private and is now public exposes its code to the world. */
export function madePublic(changes: Changes | undefined): boolean {
  if (!changes) return false;
  const { before, after } = changes;
  const byVisibility = field(before, 'visibility') === 'private' && field(after, 'visibility') === 'public';
  const byFlag = field(before, 'private') === true && field(after, 'private') === false;
  return byVisibility || byFlag;
}

/** A role or permission that becomes admin (or owner) where it was not before. */
export function raisedToAdmin(changes: Changes | undefined): boolean {
  if (!changes?.after) return false;
  return PRIVILEGE_FIELDS.some((name) => {
    const after = field(changes.after, name);
    const before = field(changes.before, name);
    return typeof after === 'string' && ADMIN_VALUES.has(after.toLowerCase()) && after !== before;
  });
}

/** The override that applies: an exact match wins over prefixes; a longer prefix over a shorter. */
function findOverride(
  eventType: string,
  overrides: readonly ClassificationOverride[],
): ClassificationOverride | undefined {
  let best: ClassificationOverride | undefined;
  let bestScore = -1;
  for (const override of overrides) {
    const wildcard = override.match.endsWith('*');
    const prefix = wildcard ? override.match.slice(0, -1) : override.match;
    const matches = wildcard ? eventType.startsWith(prefix) : eventType === prefix;
    const score = wildcard ? prefix.length : Number.MAX_SAFE_INTEGER;
    if (matches && score > bestScore) {
      best = override;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Classifies an event: the catalog (or a prefix rule, or the default) gives category and success
 * level; the outcome and the change itself can raise the level; a tenant override has the last
 * word. CRITICAL and SECURITY entries require review unless an override says otherwise.
 */
export function classify(
  input: ClassificationInput,
  overrides: readonly ClassificationOverride[] = [],
): Classification {
  const base = baseEntry(input.eventType);
  let category = base.category;
  let level = base.level;
  if (input.outcome !== 'success') level = maxLevel(level, FAILURE_LEVEL[category]);
  if (madePublic(input.changes) || raisedToAdmin(input.changes)) level = 'CRITICAL';

  const override = findOverride(input.eventType, overrides);
  if (override?.category) category = override.category;
  if (override?.level) level = override.level;
  const requiresReview = override?.requiresReview ?? (level === 'CRITICAL' || category === 'SECURITY');
  return { category, level, requiresReview, reviewStatus: requiresReview ? 'pending' : 'none' };
}
