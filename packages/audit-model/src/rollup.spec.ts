import { describe, expect, it } from 'vitest';
import { riskScore, RISK_WEIGHTS, anomalyPattern } from './risk';
import { actorKey, RollupAccumulator, rollupId, type RollupEntryView } from './rollup';
import { periodDates, summarizePeriod } from './rollup-period';

const entry = (over: Partial<RollupEntryView> = {}): RollupEntryView => ({
  eventType: 'repo.created',
  category: 'DATA_MODIFICATION',
  level: 'INFO',
  outcome: 'success',
  actor: { type: 'user', id: 'u1' },
  ...over,
});

describe('risk score', () => {
  it('is the documented weighted sum of its components', () => {
    expect(RISK_WEIGHTS).toEqual({ denials: 3, failures: 1, critical: 5, security: 2, anomalies: 10 });
    expect(riskScore({ denials: 2, failures: 3, critical: 1, security: 4, anomalies: 1 })).toBe(6 + 3 + 5 + 8 + 10);
    expect(riskScore({ denials: 0, failures: 0, critical: 0, security: 0, anomalies: 0 })).toBe(0);
  });

  it('knows each detector by the event type it raises', () => {
    expect(anomalyPattern('security.anomaly.repeated_denials')).toBe('security.anomaly.repeated_denials');
    expect(anomalyPattern('security.anomaly.new_rule')).toBe('security.anomaly.new_rule');
    expect(anomalyPattern('security.integrity_violation')).toBe('security.integrity_violation');
    expect(anomalyPattern('audit.ingest.gap_detected')).toBe('audit.ingest.gap_detected');
    expect(anomalyPattern('security.secret.leaked')).toBeNull();
    expect(anomalyPattern('permission.check.denied')).toBeNull();
  });
});

describe('RollupAccumulator', () => {
  it("counts by category, level and outcome, and tallies each actor's risk components", () => {
    const acc = new RollupAccumulator();
    acc.add(entry());
    acc.add(
      entry({ eventType: 'permission.check.denied', category: 'AUTHORIZATION', level: 'WARNING', outcome: 'denied' }),
    );
    acc.add(
      entry({ eventType: 'permission.check.denied', category: 'AUTHORIZATION', level: 'WARNING', outcome: 'denied' }),
    );
    acc.add(
      entry({
        eventType: 'security.anomaly.repeated_denials',
        category: 'SECURITY',
        level: 'CRITICAL',
        actor: { type: 'user', id: 'u1', name: 'Ada' },
      }),
    );
    acc.add(entry({ outcome: 'failure', level: 'ERROR', actor: { type: 'service_account', id: 'ci' } }));
    acc.add(entry({ actor: { type: 'anonymous', ip: '10.0.0.1' }, outcome: 'denied', level: 'WARNING' }));
    const r = acc.result();
    expect(r.entries).toBe(6);
    expect(r.byCategory).toMatchObject({ DATA_MODIFICATION: 3, AUTHORIZATION: 2, SECURITY: 1, COMPLIANCE: 0 });
    expect(r.byLevel).toEqual({ INFO: 1, WARNING: 3, ERROR: 1, CRITICAL: 1 });
    expect(r.byOutcome).toEqual({ success: 2, failure: 1, denied: 3 });
    expect(r.anomalies).toEqual([{ pattern: 'security.anomaly.repeated_denials', count: 1 }]);
    expect(r.eventTypes.slice(0, 2)).toEqual([
      { eventType: 'repo.created', count: 3 },
      { eventType: 'permission.check.denied', count: 2 },
    ]);
    expect(r.actors.map((a) => [a.key, a.risk])).toEqual([
      // 2 denials (6) + CRITICAL (5) + SECURITY (2) + anomaly (10)
      ['user:u1', 23],
      ['anonymous@10.0.0.1', 3],
      ['service_account:ci', 1],
    ]);
    expect(r.actors[0]).toMatchObject({ label: 'Ada', entries: 4, denials: 2, critical: 1, security: 1, anomalies: 1 });
    expect(r.otherActors).toMatchObject({ actors: 0, entries: 0, risk: 0 });
  });

  it('keeps the riskiest actors and sums the rest in "others", so a day stays bounded', () => {
    const acc = new RollupAccumulator(2, 1);
    for (let i = 0; i < 5; i++) {
      for (let d = 0; d < i; d++) acc.add(entry({ outcome: 'denied', actor: { type: 'user', id: `u${i}` } }));
      acc.add(entry({ eventType: `t${i}`, actor: { type: 'user', id: `u${i}` } }));
    }
    const r = acc.result();
    expect(r.actors.map((a) => a.key)).toEqual(['user:u4', 'user:u3']);
    expect(r.otherActors).toMatchObject({ actors: 3, entries: 1 + 2 + 3, denials: 0 + 1 + 2, risk: 9 });
    expect(r.eventTypes).toEqual([{ eventType: 'repo.created', count: 10 }]);
    expect(r.otherEventTypes).toBe(5);
    const sum = r.actors.reduce((s, a) => s + a.entries, 0) + r.otherActors.entries;
    expect(sum).toBe(r.entries);
  });

  it('merges rollups into the same figures as counting their entries together', () => {
    const a = new RollupAccumulator();
    const b = new RollupAccumulator();
    const all = new RollupAccumulator();
    const es = [
      entry(),
      entry({ outcome: 'denied', actor: { type: 'user', id: 'u2' } }),
      entry({ level: 'CRITICAL', category: 'SECURITY', eventType: 'security.integrity_violation' }),
    ];
    es.forEach((e, i) => {
      (i % 2 ? a : b).add(e);
      all.add(e);
    });
    const merged = new RollupAccumulator();
    merged.merge(a.result());
    merged.merge(b.result());
    expect(merged.result()).toEqual(all.result());
  });

  it('counts a malformed stored document in the total only, without failing the day', () => {
    const acc = new RollupAccumulator();
    acc.add({
      eventType: 7,
      category: 'NOPE',
      level: 'LOUD',
      outcome: 'maybe',
      actor: null,
    } as unknown as RollupEntryView);
    const r = acc.result();
    expect(r.entries).toBe(1);
    expect(Object.values(r.byCategory).every((n) => n === 0)).toBe(true);
    expect(r.byLevel).toEqual({ INFO: 0, WARNING: 0, ERROR: 0, CRITICAL: 0 });
    expect(r.actors.map((a) => a.key)).toEqual(['anonymous']);
  });

  it('names actors and days with stable keys', () => {
    expect(actorKey({ type: 'user', id: 'u1' })).toBe('user:u1');
    expect(actorKey({ type: 'anonymous', ip: '1.2.3.4' })).toBe('anonymous@1.2.3.4');
    expect(actorKey({ type: 'anonymous' })).toBe('anonymous');
    expect(rollupId('acme', '2026-01-02')).toBe('acme~2026-01-02');
  });
});

describe('sealed personal data in rollups', () => {
  it('never takes a sealed name or address as an actor label', () => {
    const acc = new RollupAccumulator();
    const sealed = 'enc:v1:ref.1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA';
    acc.add(entry({ actor: { type: 'user', id: 'u-ada', name: sealed, email: sealed } }));
    acc.add(entry({ actor: { type: 'user', id: 'u-bob', name: sealed, email: 'bob@example.com' } }));
    const labels: Record<string, string | undefined> = {};
    for (const a of acc.result().actors) labels[a.id ?? a.key] = a.label;
    expect(labels).toEqual({ 'u-ada': undefined, 'u-bob': 'bob@example.com' });
  });
});

describe('summarizePeriod', () => {
  it('sums days into trends, categories, risky actors over the period and anomaly patterns per day', () => {
    const dates = periodDates('2026-03-02', 3);
    expect(dates).toEqual(['2026-02-28', '2026-03-01', '2026-03-02']);
    const day = (date: string, es: RollupEntryView[], final = true) => {
      const acc = new RollupAccumulator();
      es.forEach((e) => acc.add(e));
      return { ...acc.result(), date, final };
    };
    const anomaly = entry({ eventType: 'security.anomaly.repeated_denials', category: 'SECURITY', level: 'CRITICAL' });
    // u2 is riskier than u1 on each single day, but u1 adds up over the period.
    const s = summarizePeriod(dates, [
      day('2026-02-28', [anomaly, entry({ outcome: 'denied', actor: { type: 'user', id: 'u2' } })]),
      day('2026-03-02', [anomaly, entry({ outcome: 'failure', level: 'ERROR' })], false),
    ]);
    expect(s.missing).toEqual(['2026-03-01']);
    expect(s.partial).toEqual(['2026-03-02']);
    expect(s.entries).toBe(4);
    expect(s.trend).toEqual({ INFO: [1, 0, 0], WARNING: [0, 0, 0], ERROR: [0, 0, 1], CRITICAL: [1, 0, 1] });
    expect(s.categories.find((c) => c.category === 'SECURITY')?.count).toBe(2);
    expect(s.riskyActors.map((a) => [a.key, a.risk])).toEqual([
      ['user:u1', 35],
      ['user:u2', 3],
    ]);
    expect(s.anomalies).toEqual([{ pattern: 'security.anomaly.repeated_denials', total: 2, perDay: [1, 0, 1] }]);
  });
});
