import { describe, expect, it } from 'vitest';
import { validateEnvelope } from '../validate';
import {
  absorb,
  dueGaps,
  emptyStream,
  gapReportEnvelope,
  markReported,
  mergeRanges,
  needsAttention,
  openGaps,
  rangesOf,
  readGapDetectionSettings,
  reconcileGaps,
  uncovered,
  watermarkOf,
  type StreamState,
} from '.';

const t0 = new Date('2026-12-01T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const MIN = 60_000;

function run(state: StreamState, sequences: number[], now: Date, graceMs = 10 * MIN) {
  const { state: reconciled, closed } = reconcileGaps(absorb(state, sequences), now);
  const due = dueGaps(reconciled, now, graceMs);
  return { state: markReported(reconciled, due, now), reported: due, closed };
}

describe('sequence ranges', () => {
  it('merges numbers in any order into disjoint ranges', () => {
    expect(rangesOf([5, 1, 2, 3, 9, 2, 10])).toEqual([
      { from: 1, to: 3 },
      { from: 5, to: 5 },
      { from: 9, to: 10 },
    ]);
    expect(mergeRanges([{ from: 0, to: 3 }], [{ from: 4, to: 6 }])).toEqual([{ from: 0, to: 6 }]);
  });

  it('finds the uncovered parts of a range', () => {
    expect(
      uncovered({ from: 0, to: 10 }, [
        { from: 2, to: 3 },
        { from: 7, to: 12 },
      ]),
    ).toEqual([
      { from: 0, to: 1 },
      { from: 4, to: 6 },
    ]);
    expect(uncovered({ from: 4, to: 5 }, [{ from: 0, to: 9 }])).toEqual([]);
  });
});

describe('stream state', () => {
  it('tracks the highest contiguous sequence whatever the arrival order', () => {
    const s = absorb(absorb(emptyStream('t', 'svc'), [3, 1, 0]), [2, 6]);
    expect(s.contiguous).toBe(3);
    expect(s.received).toEqual([{ from: 6, to: 6 }]);
  });

  it('keeps a missing range pending within the grace period, reports it once after, closes it when filled', () => {
    let step = run(emptyStream('t', 'svc'), [0, 1, 2, 5, 6], t0);
    expect(step.reported).toEqual([]);
    expect(step.state.gaps).toMatchObject([{ from: 3, to: 4, reportedAt: null, firstSeenAt: t0.toISOString() }]);

    step = run(step.state, [7], later(10 * MIN));
    expect(step.reported).toMatchObject([{ from: 3, to: 4, firstSeenAt: t0.toISOString() }]);
    expect(openGaps(step.state)).toMatchObject([{ from: 3, to: 4, eventId: 'gap:svc:3-4' }]);

    step = run(step.state, [], later(11 * MIN));
    expect(step.reported).toEqual([]);

    step = run(step.state, [3], later(12 * MIN));
    expect(openGaps(step.state)).toHaveLength(1);
    step = run(step.state, [4], later(13 * MIN));
    expect(step.closed).toMatchObject([{ from: 3, to: 4, closedAt: later(13 * MIN).toISOString() }]);
    expect(openGaps(step.state)).toEqual([]);
    expect(needsAttention(step.state)).toBe(false);
    expect(step.state.contiguous).toBe(7);
  });

  it('never reports a range that filled within the grace period', () => {
    let step = run(emptyStream('t', 'svc'), [0, 2], t0);
    step = run(step.state, [1], later(5 * MIN));
    step = run(step.state, [], later(20 * MIN));
    expect(step.reported).toEqual([]);
    expect(step.state.gaps).toEqual([]);
  });

  it('keeps the first-seen time of the part of a range that is still missing', () => {
    let step = run(emptyStream('t', 'svc'), [0, 9], t0);
    step = run(step.state, [4], later(5 * MIN));
    expect(step.state.gaps.map((g) => [g.from, g.to, g.firstSeenAt])).toEqual([
      [1, 3, t0.toISOString()],
      [5, 8, t0.toISOString()],
    ]);
    step = run(step.state, [], later(10 * MIN));
    expect(step.reported.map((g) => [g.from, g.to])).toEqual([
      [1, 3],
      [5, 8],
    ]);
  });
});

describe('gap report', () => {
  it('is a valid envelope of the reserved source, identical when built again', () => {
    const step = run(run(emptyStream('acme', 'repo-service/pod-1'), [0, 4], t0).state, [], later(10 * MIN));
    const gap = step.reported[0]!;
    const envelope = gapReportEnvelope('acme', 'repo-service/pod-1', { ...gap, eventId: 'gap:repo-service/pod-1:1-3' });
    expect(validateEnvelope(envelope, t0)).toMatchObject({
      source: 'audit-ingest',
      eventType: 'audit.ingest.gap_detected',
      metadata: { stream: 'repo-service/pod-1', missingFrom: 1, missingTo: 3, missingCount: 3 },
    });
    expect(gapReportEnvelope('acme', 'repo-service/pod-1', { ...gap, eventId: 'x' })).toEqual(
      gapReportEnvelope('acme', 'repo-service/pod-1', { ...gap, eventId: 'x' }),
    );
  });

  it('reads the grace period per tenant, 10 minutes by default, with field-level problems', () => {
    expect(readGapDetectionSettings({}).settings.graceSeconds).toBe(600);
    expect(readGapDetectionSettings({ gapDetection: { graceSeconds: 5 } }).settings.graceSeconds).toBe(5);
    const bad = readGapDetectionSettings({ gapDetection: { graceSeconds: 0 } });
    expect(bad.settings.graceSeconds).toBe(600);
    expect(bad.problems).toEqual(['gapDetection.graceSeconds: must be at least 1 second']);
  });
});

describe('watermark', () => {
  it('extends the known prefix with stored numbers and lists what is missing up to what was scanned', () => {
    expect(watermarkOf('svc', 4, 5, [5, 6, 8, 11, 12], true)).toEqual({
      source: 'svc',
      highestContiguous: 6,
      scannedFrom: 5,
      scannedThrough: 12,
      missing: [
        { from: 7, to: 7 },
        { from: 9, to: 10 },
      ],
      complete: true,
    });
    expect(watermarkOf('svc', -1, 0, [], true)).toMatchObject({
      highestContiguous: -1,
      scannedThrough: -1,
      missing: [],
    });
  });

  it('answers about a window above the known prefix without claiming the numbers below it', () => {
    expect(watermarkOf('svc', 9, 100, [100, 101, 104], false)).toEqual({
      source: 'svc',
      highestContiguous: 9,
      scannedFrom: 100,
      scannedThrough: 104,
      missing: [{ from: 102, to: 103 }],
      complete: false,
    });
  });
});
