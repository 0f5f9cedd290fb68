import {
  CLASSIFICATION_RULE_KEYS,
  LEVEL_TABLE,
  type ClassificationRules,
  type LevelCondition,
} from '@audit-log/model/classification';
import type { Category, Level } from '@audit-log/model/catalog';

/**
 * The rules behind the level table as form fields: one text input per value (lists
 * comma-separated), and one checkbox. Pure, like settings-form; the server validates every value
 * again and names the wrong ones (`classification.sensitive.fields.1`).
 */

type Kind = 'text' | 'list' | 'number';

interface RuleField {
  /** `<rule>.<key>` inside the `classification` section. */
  readonly path: RulePath;
  readonly label: string;
  readonly kind: Kind;
}

export type RulePath =
  | `${'anomaly' | 'abnormalAccess' | 'violation'}.${'metadataFlag' | 'eventTypes' | 'outcomes'}`
  | 'sensitive.resourceTypes'
  | 'sensitive.fields'
  | 'destructive.eventTypes'
  | 'destructive.fields'
  | 'risk.metadataField'
  | 'risk.highThreshold';

const situation = (rule: 'anomaly' | 'abnormalAccess' | 'violation', name: string): RuleField[] => [
  { path: `${rule}.metadataFlag`, label: `${name}: metadata flag (true)`, kind: 'text' },
  { path: `${rule}.eventTypes`, label: `${name}: event types (exact or prefix*)`, kind: 'list' },
  { path: `${rule}.outcomes`, label: `${name}: outcomes that count (failure, denied)`, kind: 'list' },
];

/** Every field, in display order, grouped by the table's situation they decide. */
export const RULE_FIELDS: readonly RuleField[] = [
  ...situation('anomaly', 'Anomaly (authentication, authorization → CRITICAL)'),
  ...situation('abnormalAccess', 'Abnormal access (data access → WARNING)'),
  {
    path: 'sensitive.resourceTypes',
    label: 'Sensitive data: resource types (data modification → WARNING)',
    kind: 'list',
  },
  { path: 'sensitive.fields', label: 'Sensitive data: changed field names', kind: 'list' },
  {
    path: 'risk.metadataField',
    label: 'Risk (security): metadata field, low/medium/high/critical or a score',
    kind: 'text',
  },
  { path: 'risk.highThreshold', label: 'Risk: a score at or above this is high risk (→ CRITICAL)', kind: 'number' },
  { path: 'destructive.eventTypes', label: 'Destructive change (configuration → WARNING): event types', kind: 'list' },
  { path: 'destructive.fields', label: 'Destructive change: changed field names', kind: 'list' },
  ...situation('violation', 'Violation (compliance → CRITICAL)'),
];

export type RuleValues = Record<RulePath, string>;

/** One row of the table as the page shows it. */
export interface LevelTableRow {
  category: Category;
  cells: ReadonlyArray<{ condition: string; level: Level }>;
}

const conditionLabel = (c: LevelCondition) => c.replace(/_/g, ' ');

/** The specification's table, for display. */
export const LEVEL_TABLE_ROWS: readonly LevelTableRow[] = Object.entries(LEVEL_TABLE).map(([category, rules]) => ({
  category: category as Category,
  cells: rules.map((r) => ({ condition: conditionLabel(r.condition), level: r.level })),
}));

function valueAt(rules: ClassificationRules, path: RulePath): unknown {
  const [rule, key] = path.split('.') as [keyof ClassificationRules, string];
  return (rules[rule] as unknown as Record<string, unknown>)[key];
}

/** The rules as form values. */
export function ruleValuesOf(rules: ClassificationRules): RuleValues {
  const out = {} as RuleValues;
  for (const field of RULE_FIELDS) {
    const value = valueAt(rules, field.path);
    out[field.path] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** Form values as the rules; `number` fields that are not numbers throw through `num`. */
export function rulesOf(
  values: RuleValues,
  destructiveDeletes: boolean,
  num: (value: string, path: string) => number,
): ClassificationRules {
  const out: Record<string, Record<string, unknown>> = {};
  for (const key of CLASSIFICATION_RULE_KEYS) out[key] = {};
  for (const field of RULE_FIELDS) {
    const [rule, key] = field.path.split('.') as [string, string];
    const raw = values[field.path];
    out[rule]![key] =
      field.kind === 'list'
        ? raw
            .split(',')
            .map((v) => v.trim())
            .filter((v) => v !== '')
        : field.kind === 'number'
          ? num(raw, `classification.${field.path}`)
          : raw.trim();
  }
  out['destructive']!['deletes'] = destructiveDeletes;
  return out as unknown as ClassificationRules;
}
