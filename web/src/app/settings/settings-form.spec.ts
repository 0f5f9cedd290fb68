import { describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFICATION_RULES } from '@audit-log/model/classification';
import { RULE_FIELDS, LEVEL_TABLE_ROWS } from './classification-form';
import { FormProblem, changedSections, formOf, sectionsOf, type TenantSettingsView } from './settings-form';

const LOADED: TenantSettingsView = {
  name: 'Acme',
  retentionDays: 90,
  classification: { overrides: [], ...structuredClone(DEFAULT_CLASSIFICATION_RULES) },
  redaction: { extraKeys: ['salary'], maskEmails: true },
  review: { deadlineHours: { CRITICAL: 24, ERROR: 72, WARNING: 168, INFO: 336 } },
  alerts: { rules: [{ id: 'critical', name: 'Critical', levels: ['CRITICAL'] }] },
  webhook: { enabled: false },
  anomaly: { enabled: true, deniedThreshold: 5, windowSeconds: 300 },
};

describe('settings form', () => {
  it('round-trips the loaded settings without changes', () => {
    expect(changedSections(formOf(LOADED), LOADED)).toEqual({});
  });

  it('sends only the sections that changed, with numbers and lists typed', () => {
    const form = formOf(LOADED);
    form.retentionDays = '30';
    form.extraKeys = 'salary, iban ,';
    form.deadlines.CRITICAL = '4';
    form.webhookEnabled = true;
    form.webhookUrl = ' https://hooks.example.com/a ';
    expect(changedSections(form, LOADED)).toEqual({
      retentionDays: 30,
      redaction: { extraKeys: ['salary', 'iban'], maskEmails: true },
      review: { deadlineHours: { CRITICAL: 4, ERROR: 72, WARNING: 168, INFO: 336 } },
      webhook: { enabled: true, url: 'https://hooks.example.com/a' },
    });
  });

  it('names the field of malformed input', () => {
    const form = formOf(LOADED);
    form.rulesJson = '[{';
    expect(() => sectionsOf(form)).toThrow(FormProblem);
    try {
      sectionsOf(form);
    } catch (err) {
      expect((err as FormProblem).path).toBe('alerts.rules');
    }
    const bad = formOf(LOADED);
    bad.deadlines.ERROR = 'soon';
    expect(() => sectionsOf(bad)).toThrow(/must be a number/);
  });

  it('shows every rule of the level table and sends the tuned rules as the classification section', () => {
    const form = formOf(LOADED);
    expect(RULE_FIELDS.map((f) => form.rules[f.path])).not.toContain(undefined);
    expect(form.rules['sensitive.fields']).toBe(DEFAULT_CLASSIFICATION_RULES.sensitive.fields.join(', '));
    expect(form.rules['risk.highThreshold']).toBe('70');
    form.rules['sensitive.fields'] = 'password, nickname ,';
    form.rules['risk.highThreshold'] = '90';
    form.rules['violation.outcomes'] = '';
    form.destructiveDeletes = false;
    const sent = changedSections(form, LOADED);
    expect(Object.keys(sent)).toEqual(['classification']);
    expect(sent.classification).toEqual({
      ...DEFAULT_CLASSIFICATION_RULES,
      overrides: [],
      sensitive: { ...DEFAULT_CLASSIFICATION_RULES.sensitive, fields: ['password', 'nickname'] },
      risk: { ...DEFAULT_CLASSIFICATION_RULES.risk, highThreshold: 90 },
      violation: { ...DEFAULT_CLASSIFICATION_RULES.violation, outcomes: [] },
      destructive: { ...DEFAULT_CLASSIFICATION_RULES.destructive, deletes: false },
    });
  });

  it('names the rule field that is not a number', () => {
    const form = formOf(LOADED);
    form.rules['risk.highThreshold'] = 'high';
    expect(() => sectionsOf(form)).toThrow(expect.objectContaining({ path: 'classification.risk.highThreshold' }));
  });

  it('lists the table of the specification, eight categories', () => {
    expect(LEVEL_TABLE_ROWS).toHaveLength(8);
    expect(LEVEL_TABLE_ROWS.find((r) => r.category === 'BUSINESS_OPERATION')?.cells).toEqual([
      { condition: 'success', level: 'INFO' },
      { condition: 'failure', level: 'ERROR' },
    ]);
  });
});
