import { describe, expect, it } from 'vitest';
import { splitReviewState, withReviewState } from './review-state';

// The archive keeps an entry's review state (from its review doc) in the same columns it always
// had, and a restore puts it back in the review doc, never on the entry.

const ENTRY = {
  logId: 'l-1',
  tenantId: 'acme',
  eventType: 'repo.visibility_changed',
  level: 'CRITICAL',
  category: 'SYSTEM_CONFIGURATION',
  outcome: 'success',
  occurredAt: 'T1',
  recordedAt: 'T2',
  actor: { type: 'user', id: 'u-1' },
  requiresReview: true,
  hash: 'h',
};
const REVIEW = {
  ...ENTRY,
  status: 'approved',
  version: 1,
  decisions: [{ action: 'approved', by: { uid: 'u-2' }, note: 'ok', at: 'T3', status: 'approved', eventId: 'e' }],
  closedAt: 'T3',
};

describe('review state in archive rows', () => {
  it('adds the status and the review record to the entry; none without a review doc', () => {
    expect(withReviewState(ENTRY, REVIEW)).toEqual({
      ...ENTRY,
      reviewStatus: 'approved',
      review: { version: 1, decisions: REVIEW.decisions, closedAt: 'T3' },
    });
    expect(withReviewState({ ...ENTRY, requiresReview: false }, undefined)).toEqual({
      ...ENTRY,
      requiresReview: false,
      reviewStatus: 'none',
    });
  });

  it('splits a restored row back into an entry without review state and its review doc', () => {
    const { entry, review } = splitReviewState(withReviewState(ENTRY, REVIEW));
    expect(entry).toEqual(ENTRY);
    expect(review).toEqual({
      logId: 'l-1',
      tenantId: 'acme',
      eventType: 'repo.visibility_changed',
      level: 'CRITICAL',
      category: 'SYSTEM_CONFIGURATION',
      outcome: 'success',
      occurredAt: 'T1',
      recordedAt: 'T2',
      actor: { type: 'user', id: 'u-1' },
      status: 'approved',
      version: 1,
      decisions: REVIEW.decisions,
      closedAt: 'T3',
    });
    const plain = splitReviewState(withReviewState({ ...ENTRY, requiresReview: false }, undefined));
    expect(plain).toEqual({ entry: { ...ENTRY, requiresReview: false }, review: null });
  });
});
