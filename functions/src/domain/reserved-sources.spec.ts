import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareEvent, type PipelineDeps, type RawEvent } from './pipeline';
import { isReservedEventType, isReservedSource, reservedNameErrors, SYSTEM_SOURCES } from './reserved-sources';
import { readTenantSettings } from './tenant';

// Sealing personal data is on by default and has its own spec (privacy/sealing.spec.ts); this
// spec is about reserved sources and asserts actor fields in clear, so its tenant turns sealing off.
const CLEAR_TEXT = readTenantSettings({ privacy: { encryptPersonalData: false } }).settings;

const NOW = new Date('2026-01-31T12:00:00.000Z');
const deps: PipelineDeps = { now: () => NOW, tenantSettings: () => Promise.resolve(CLEAR_TEXT) };

function event(patch: Record<string, unknown>): RawEvent {
  return {
    value: {
      specVersion: '1.0',
      eventId: 'repeated-denials-0123',
      eventType: 'security.anomaly.repeated_denials',
      tenantId: 'acme',
      occurredAt: '2026-01-31T11:59:00Z',
      source: 'anomaly-detector',
      actor: { type: 'system', id: 'anomaly-detector' },
      resource: { type: 'user', id: 'u-1' },
      ...patch,
    },
  };
}

describe('reserved sources', () => {
  it('reserves every system source and every audit-* source, whatever the case', () => {
    for (const source of SYSTEM_SOURCES) {
      expect(isReservedSource(source), source).toBe(true);
      expect(isReservedSource(source.toUpperCase()), source).toBe(true);
    }
    expect(isReservedSource('audit-some-future-module')).toBe(true);
    expect(isReservedSource('Audit-Review')).toBe(true);
    for (const source of ['repo-service', 'auditor-service', 'auth', 'firebase-auth-proxy', 'my-audit-tool']) {
      expect(isReservedSource(source), source).toBe(false);
    }
    expect(isReservedEventType('audit.review.approved')).toBe(true);
    expect(isReservedEventType('auditing.started')).toBe(false);
  });

  it('names each offending field', () => {
    expect(
      reservedNameErrors({ source: 'audit-review', eventType: 'audit.review.approved' }).map((e) => e.path),
    ).toEqual(['source', 'eventType']);
    expect(reservedNameErrors({ source: 'repo-service', eventType: 'repo.created' })).toEqual([]);
  });

  it('rejects a producer’s event that claims a system source or type, on every transport', async () => {
    for (const via of ['pubsub', 'outbox', 'http'] as const) {
      const squat = await prepareEvent(event({}), { via }, deps);
      expect(squat).toMatchObject({ status: 'rejected', reason: 'system_reserved', tenantId: 'acme' });
      const forged = await prepareEvent(
        event({ source: 'review-bot', eventType: 'audit.review.approved', actor: { type: 'user', id: 'u-9' } }),
        { via },
        deps,
      );
      expect(forged).toMatchObject({ status: 'rejected', reason: 'system_reserved' });
      if (forged.status === 'rejected') expect(forged.errors.map((e) => e.path)).toEqual(['eventType']);
    }
  });

  it('accepts the same event from the system’s own trusted path', async () => {
    const result = await prepareEvent(event({}), { via: 'outbox', trusted: true }, deps);
    expect(result.status).toBe('accepted');
  });

  it('is mirrored by the outbox rules, so no client write gets as far as ingest', () => {
    const rules = readFileSync(path.join(__dirname, '../../../firestore.rules'), 'utf8');
    const listed = /source\.lower\(\) in \[([^\]]*)\]/.exec(rules)?.[1] ?? '';
    const named = listed.match(/'[^']+'/g)?.map((s) => s.slice(1, -1)) ?? [];
    const beyondPrefix = SYSTEM_SOURCES.filter((s) => !s.startsWith('audit-'));
    expect([...named].sort()).toEqual([...beyondPrefix].sort());
    expect(rules).toContain("source.lower().matches('audit-.*')");
  });
});
