import { describe, expect, it } from 'vitest';
import { createdEntryOrigin, eventInstant, WRITTEN_BACK_MIN_AGE_MS } from './entry-origin';

const created = new Date('2026-03-02T12:00:00.000Z');
const before = (ms: number) => new Date(created.getTime() - ms);
const DAY = 86_400_000;

describe('createdEntryOrigin', () => {
  it('treats an entry recorded just before its creation as new activity', () => {
    expect(createdEntryOrigin(before(40), created)).toEqual({ kind: 'new' });
    expect(createdEntryOrigin(created, created)).toEqual({ kind: 'new' });
    // A slow write (as long as the longest function timeout) is still news.
    expect(createdEntryOrigin(before(60 * 60 * 1000), created)).toEqual({ kind: 'new' });
  });

  it('treats a recordedAt after the creation (clock skew) as new activity', () => {
    expect(createdEntryOrigin(new Date(created.getTime() + 1500), created)).toEqual({ kind: 'new' });
  });

  it('recognizes an entry restored after the warm retention as written back', () => {
    expect(createdEntryOrigin(before(90 * DAY), created)).toEqual({
      kind: 'not_new',
      reason: 'written_back',
      ageMs: 90 * DAY,
    });
    // The shortest warm retention is one day: still far beyond the threshold.
    expect(createdEntryOrigin(before(DAY), created)).toMatchObject({ kind: 'not_new', reason: 'written_back' });
  });

  it('draws the line at the threshold, which lies between any write latency and one day', () => {
    expect(WRITTEN_BACK_MIN_AGE_MS).toBeGreaterThan(60 * 60 * 1000);
    expect(WRITTEN_BACK_MIN_AGE_MS).toBeLessThan(DAY);
    expect(createdEntryOrigin(before(WRITTEN_BACK_MIN_AGE_MS - 1), created)).toEqual({ kind: 'new' });
    expect(createdEntryOrigin(before(WRITTEN_BACK_MIN_AGE_MS), created)).toEqual({
      kind: 'not_new',
      reason: 'written_back',
      ageMs: WRITTEN_BACK_MIN_AGE_MS,
    });
  });

  it('does not count an entry without a usable recordedAt as activity', () => {
    expect(createdEntryOrigin(null, created)).toEqual({ kind: 'not_new', reason: 'no_recorded_at', ageMs: null });
    expect(createdEntryOrigin(new Date(Number.NaN), created)).toEqual({
      kind: 'not_new',
      reason: 'no_recorded_at',
      ageMs: null,
    });
  });

  it('decides by the creation instant, so a trigger redelivered days later still sees news as news', () => {
    const recordedAt = before(30);
    const eventTime = eventInstant(created.toISOString(), new Date(created.getTime() + 3 * DAY));
    expect(createdEntryOrigin(recordedAt, eventTime)).toEqual({ kind: 'new' });
  });
});

describe('eventInstant', () => {
  const fallback = new Date('2030-01-01T00:00:00.000Z');

  it("reads the event's time, with or without fractional seconds and in any zone", () => {
    expect(eventInstant('2026-03-02T12:00:00.123456Z', fallback).toISOString()).toBe('2026-03-02T12:00:00.123Z');
    expect(eventInstant('2026-03-02T13:00:00+01:00', fallback).toISOString()).toBe('2026-03-02T12:00:00.000Z');
  });

  it('falls back to the given clock when the event has no time that parses', () => {
    expect(eventInstant(undefined, fallback)).toBe(fallback);
    expect(eventInstant('', fallback)).toBe(fallback);
    expect(eventInstant('yesterday', fallback)).toBe(fallback);
  });
});
