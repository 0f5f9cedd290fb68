import type { ReviewStatus } from '@audit-log/model/enums';
import { DEFAULT_CLASSIFICATION_RULES, type ClassificationRules } from '@audit-log/model/classification';
import {
  DATA_ACCESS_SUFFIX,
  DEFAULT_CLASSIFICATION,
  EVENT_CATALOG,
  PREFIX_RULES,
  type CatalogEntry,
  type Category,
  type Level,
} from './catalog';
import type { Changes } from './envelope';
import { tableLevelOf, type LevelInput } from './level-rules';
import type { ClassificationOverride } from './tenant';

export { REVIEW_STATUSES, type ReviewStatus } from '@audit-log/model/enums';

export interface Classification {
  category: Category;
  level: Level;
  requiresReview: boolean;
  reviewStatus: ReviewStatus;
}

export interface ClassificationInput extends LevelInput {
  changes?: Changes | undefined;
}

/** The tenant's `classification` settings: overrides, and the data behind the level table. */
export type ClassificationSettings = ClassificationRules & { overrides: readonly ClassificationOverride[] };

const DEFAULT_SETTINGS: ClassificationSettings = { ...DEFAULT_CLASSIFICATION_RULES, overrides: [] };

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
 * Classifies an event: the catalog (or a prefix rule, or the default) gives category and catalog
 * level; the specification's level table raises it by outcome and by the situations the tenant's
 * rules recognise (docs/classification.md); a repository made public or a privilege raised to
 * admin is CRITICAL; a tenant override has the last word. CRITICAL and SECURITY entries require
 * review unless an override says otherwise.
 */
export function classify(
  input: ClassificationInput,
  settings: Partial<ClassificationSettings> = DEFAULT_SETTINGS,
): Classification {
  const rules: ClassificationSettings = { ...DEFAULT_SETTINGS, ...settings };
  const base = baseEntry(input.eventType);
  let category = base.category;
  let level = tableLevelOf(category, base.level, input, rules);
  if (madePublic(input.changes) || raisedToAdmin(input.changes)) level = 'CRITICAL';

  const override = findOverride(input.eventType, rules.overrides);
  if (override?.category) category = override.category;
  if (override?.level) level = override.level;
  const requiresReview = override?.requiresReview ?? (level === 'CRITICAL' || category === 'SECURITY');
  return { category, level, requiresReview, reviewStatus: requiresReview ? 'pending' : 'none' };
}
