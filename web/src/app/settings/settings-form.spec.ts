import { describe, expect, it } from 'vitest';
import { FormProblem, changedSections, formOf, sectionsOf, type TenantSettingsView } from './settings-form';

const LOADED: TenantSettingsView = {
  name: 'Acme',
  retentionDays: 90,
  classification: { overrides: [] },
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
});
