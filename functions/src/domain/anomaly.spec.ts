import { describe, expect, it } from 'vitest';
import {
  ANOMALY_EVENT_TYPE,
  DEFAULT_ANOMALY_SETTINGS,
  anomalyEnvelope,
  denialFromEntry,
  readAnomalySettings,
  recordDenial,
  windowKeyOf,
  windowOf,
  type Denial,
  type WindowState,
} from './anomaly';
import { buildEntry } from './pipeline';
import { CLEAR_TEXT_TENANT_SETTINGS } from './tenant';
import { validateEnvelope } from './validate';

const settings = { enabled: true, deniedThreshold: 5, windowSeconds: 300 };
const WINDOW_START = Date.parse('2026-03-01T12:00:00.000Z');

function denial(n: number, overrides: Partial<Denial> = {}): Denial {
  return {
    logId: `log-${n}`,
    tenantId: 'acme',
    occurredAt: new Date(WINDOW_START + n * 1000).toISOString(),
    actor: { type: 'user', id: 'mallory', name: 'Mallory', email: 'm@example.com' },
    resource: { type: 'repository', id: 'secret-repo' },
    ...overrides,
  };
}

/** Feeds denials through the rule the way the trigger does; returns the final state and emissions. */
function run(denials: Denial[]): { state: WindowState | null; emitted: string[] } {
  let state: WindowState | null = null;
  const emitted: string[] = [];
  for (const d of denials) {
    const key = windowKeyOf(d, settings)!;
    const decision = recordDenial(state, d, key, settings);
    state = decision.state;
    if (decision.emit) emitted.push(d.logId);
  }
  return { state, emitted };
}

describe('repeated denials rule', () => {
  it('emits exactly once when the threshold is crossed, however many denials follow', () => {
    const { state, emitted } = run(Array.from({ length: 12 }, (_, i) => denial(i)));
    expect(emitted).toEqual(['log-4']);
    expect(state?.logIds).toEqual(['log-0', 'log-1', 'log-2', 'log-3', 'log-4']);
    expect(state?.count).toBe(12);
  });

  it('stays silent below the threshold', () => {
    expect(run([0, 1, 2, 3].map((n) => denial(n))).emitted).toEqual([]);
  });

  it('is idempotent for redelivered denials and repeats only the crossing emission', () => {
    const first = run([0, 1, 2].map((n) => denial(n)));
    const key = windowKeyOf(denial(1), settings)!;
    const again = recordDenial(first.state, denial(1), key, settings);
    expect(again).toMatchObject({ changed: false, emit: false });
    expect(again.state.count).toBe(3);

    const full = run([0, 1, 2, 3, 4].map((n) => denial(n)));
    const redelivered = recordDenial(full.state, denial(4), key, settings);
    expect(redelivered).toMatchObject({ changed: false, emit: true });
  });

  it('keeps the threshold a window opened with when the setting changes', () => {
    const key = windowKeyOf(denial(0), settings)!;
    const opened = recordDenial(null, denial(0), key, settings).state;
    const later = recordDenial(opened, denial(1), key, { ...settings, deniedThreshold: 2 });
    expect(later.emit).toBe(false);
    expect(later.state.threshold).toBe(5);
  });

  it('uses one window per actor, resource and aligned time slot', () => {
    const key = (d: Denial) => windowKeyOf(d, settings)!.id;
    expect(key(denial(0))).toBe(key(denial(299)));
    expect(key(denial(0))).not.toBe(key(denial(300)));
    expect(key(denial(0))).not.toBe(key(denial(0, { actor: { type: 'user', id: 'eve' } })));
    expect(key(denial(0))).not.toBe(key(denial(0, { resource: { type: 'repository', id: 'other' } })));
    expect(key(denial(0))).not.toBe(key(denial(0, { tenantId: 'other' })));
    expect(windowOf(WINDOW_START + 299_999, 300)).toEqual({ start: WINDOW_START, end: WINDOW_START + 300_000 });
  });

  it('cannot count an anonymous actor without an address', () => {
    expect(windowKeyOf(denial(0, { actor: { type: 'anonymous' } }), settings)).toBeNull();
    expect(windowKeyOf(denial(0, { actor: { type: 'anonymous', ip: '10.0.0.1' } }), settings)).not.toBeNull();
  });
});

describe('anomalyEnvelope', () => {
  it('is a valid CRITICAL SECURITY event with a window-derived id, identical for every emission', () => {
    const { state } = run(Array.from({ length: 5 }, (_, i) => denial(i)));
    const key = windowKeyOf(denial(4), settings)!;
    const envelope = anomalyEnvelope(state!, denial(4), key);
    expect(anomalyEnvelope(state!, denial(4), key)).toEqual(envelope);
    const entry = buildEntry(validateEnvelope(envelope, new Date('2026-03-01T13:00:00Z')), CLEAR_TEXT_TENANT_SETTINGS, {
      via: 'outbox',
    });
    expect(entry).toMatchObject({
      eventType: ANOMALY_EVENT_TYPE,
      category: 'SECURITY',
      level: 'CRITICAL',
      requiresReview: true,
      actor: { type: 'user', id: 'mallory', name: 'Mallory' },
      resource: { type: 'repository', id: 'secret-repo' },
      metadata: { threshold: 5, windowSeconds: 300, windowStart: '2026-03-01T12:00:00.000Z' },
    });
    expect(entry.eventId).toBe(`repeated-denials-${key.id}`);
  });
});

describe('denialFromEntry and readAnomalySettings', () => {
  it('takes only countable permission.check.denied entries', () => {
    const entry = {
      tenantId: 'acme',
      eventType: 'permission.check.denied',
      occurredAt: '2026-03-01T12:00:00.000Z',
      actor: { type: 'user', id: 'u1' },
      resource: { type: 'repository', id: 'r1', extra: 'ignored' },
    };
    expect(denialFromEntry('l1', entry)).toEqual({
      logId: 'l1',
      tenantId: 'acme',
      occurredAt: '2026-03-01T12:00:00.000Z',
      actor: { type: 'user', id: 'u1' },
      resource: { type: 'repository', id: 'r1' },
    });
    expect(denialFromEntry('l1', { ...entry, eventType: 'permission.check.allowed' })).toBeNull();
    expect(denialFromEntry('l1', { ...entry, resource: undefined })).toBeNull();
    expect(denialFromEntry('l1', { ...entry, occurredAt: 'yesterday' })).toBeNull();
  });

  it('reads the tenant setting with defaults and falls back on malformed values', () => {
    expect(readAnomalySettings({})).toEqual({ settings: DEFAULT_ANOMALY_SETTINGS, problems: [] });
    expect(DEFAULT_ANOMALY_SETTINGS).toEqual({ enabled: true, deniedThreshold: 5, windowSeconds: 300 });
    expect(readAnomalySettings({ anomaly: { deniedThreshold: 3 } }).settings.deniedThreshold).toBe(3);
    expect(readAnomalySettings({ anomaly: { deniedThreshold: 1, windowSeconds: 'x' } })).toEqual({
      settings: DEFAULT_ANOMALY_SETTINGS,
      problems: ['anomaly.deniedThreshold: must be at least 2', 'anomaly.windowSeconds: must be a number'],
    });
  });
});
