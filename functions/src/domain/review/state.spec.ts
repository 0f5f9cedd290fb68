import { describe, expect, it } from 'vitest';
import { CommandError } from '../commands';
import { buildEntry } from '../pipeline';
import { CLEAR_TEXT_TENANT_SETTINGS } from '../tenant';
import { validateEnvelope } from '../validate';
import { DEFAULT_REVIEW_SETTINGS, isOverdue, reviewDueAt } from './deadline';
import { investigationRecord, reviewAuditEnvelope } from './events';
import { EMPTY_REVIEW, requiresTwoPersons, reviewSubjectSchema, type ReviewSubject } from './model';
import { assignReview, confirmReview, decideReview, escalateOverdue, type Reviewer } from './state';

const LOG_ID = '0123456789abcdef0123456789abcdef';
const AT = '2026-03-01T12:00:00.000Z';
const alice: Reviewer = { uid: 'u-alice', email: 'alice@example.com', role: 'reviewer' };
const bob: Reviewer = { uid: 'u-bob', role: 'reviewer' };
const carol: Reviewer = { uid: 'u-carol', role: 'admin' };

function subject(overrides: Partial<ReviewSubject> = {}): ReviewSubject {
  return {
    logId: LOG_ID,
    tenantId: 'acme',
    eventType: 'repo.visibility_changed',
    level: 'CRITICAL',
    category: 'SYSTEM_CONFIGURATION',
    requiresReview: true,
    reviewStatus: 'pending',
    review: EMPTY_REVIEW,
    actingUids: ['u-dave'],
    ...overrides,
  };
}

const securityCritical = () => subject({ eventType: 'security.anomaly.repeated_denials', category: 'SECURITY' });

function apply(s: ReviewSubject, t: { reviewStatus: ReviewSubject['reviewStatus']; review: ReviewSubject['review'] }) {
  return { ...s, reviewStatus: t.reviewStatus, review: t.review };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof CommandError) return err.code;
    throw err;
  }
  return undefined;
}

describe('decideReview', () => {
  it('approves a single-person item: closed, recorded with version and event id', () => {
    const t = decideReview(subject(), { decision: 'approve', note: 'expected change', reviewer: alice, at: AT });
    expect(t.reviewStatus).toBe('approved');
    expect(t.review.closedAt).toBe(AT);
    expect(t.review.version).toBe(1);
    expect(t.eventId).toBe(`review-${LOG_ID}-1`);
    expect(t.review.decisions).toEqual([
      {
        action: 'approved',
        by: { uid: 'u-alice', email: 'alice@example.com' },
        note: 'expected change',
        at: AT,
        status: 'approved',
        eventId: t.eventId,
      },
    ]);
    expect(
      codeOf(() => decideReview(apply(subject(), t), { decision: 'escalate', note: 'x', reviewer: bob, at: AT })),
    ).toBe('review_closed');
  });

  it('opens an investigation and escalates to admins', () => {
    const inv = decideReview(subject(), { decision: 'investigate', note: 'who did this?', reviewer: alice, at: AT });
    expect(inv).toMatchObject({ reviewStatus: 'investigating', openInvestigation: true, notifyAdmins: false });
    expect(inv.review.investigationId).toBe(LOG_ID);
    expect(investigationRecord(subject(), inv)).toMatchObject({
      status: 'open',
      logId: LOG_ID,
      openedBy: { uid: 'u-alice' },
    });
    expect(
      codeOf(() =>
        decideReview(apply(subject(), inv), { decision: 'investigate', note: 'again', reviewer: bob, at: AT }),
      ),
    ).toBe('invalid_transition');

    const esc = decideReview(apply(subject(), inv), {
      decision: 'escalate',
      note: 'needs an admin',
      reviewer: bob,
      at: AT,
    });
    expect(esc).toMatchObject({ reviewStatus: 'escalated', notifyAdmins: true, eventId: `review-${LOG_ID}-2` });
    const closed = decideReview(apply(subject(), esc), {
      decision: 'approve',
      note: 'resolved',
      reviewer: carol,
      at: AT,
    });
    expect(closed).toMatchObject({ reviewStatus: 'approved', closeInvestigation: true });
  });

  it('refuses entries that were never flagged', () => {
    const plain = subject({ requiresReview: false, reviewStatus: 'none' });
    expect(codeOf(() => decideReview(plain, { decision: 'approve', note: 'fine', reviewer: alice, at: AT }))).toBe(
      'not_reviewable',
    );
  });

  it('lets only the assignee or an admin decide an assigned entry', () => {
    const assigned = assignReview(subject(), { assignee: alice, admin: carol, note: '', at: AT });
    const s = apply(subject(), assigned);
    expect(s.review.assignee).toEqual({ uid: 'u-alice', email: 'alice@example.com' });
    expect(codeOf(() => decideReview(s, { decision: 'approve', note: 'mine now', reviewer: bob, at: AT }))).toBe(
      'not_assignee',
    );
    expect(decideReview(s, { decision: 'approve', note: 'ok', reviewer: alice, at: AT }).reviewStatus).toBe('approved');
    expect(decideReview(s, { decision: 'approve', note: 'ok', reviewer: carol, at: AT }).reviewStatus).toBe('approved');
    expect(codeOf(() => assignReview(s, { assignee: alice, admin: carol, note: '', at: AT }))).toBe(
      'invalid_transition',
    );
  });
});

describe('the two-person rule', () => {
  it('applies to CRITICAL SECURITY entries only', () => {
    expect(requiresTwoPersons({ level: 'CRITICAL', category: 'SECURITY' })).toBe(true);
    expect(requiresTwoPersons({ level: 'ERROR', category: 'SECURITY' })).toBe(false);
    expect(requiresTwoPersons({ level: 'CRITICAL', category: 'AUTHORIZATION' })).toBe(false);
  });

  it('keeps the item open after the first approval and closes it on a different confirmer', () => {
    const first = decideReview(securityCritical(), { decision: 'approve', note: 'benign', reviewer: alice, at: AT });
    expect(first.reviewStatus).toBe('pending');
    expect(first.review.awaitingConfirmation).toEqual({
      by: { uid: 'u-alice', email: 'alice@example.com' },
      note: 'benign',
      at: AT,
    });
    const s = apply(securityCritical(), first);

    expect(codeOf(() => confirmReview(s, { note: 'me again', reviewer: alice, at: AT }))).toBe('two_person_rule');
    expect(codeOf(() => decideReview(s, { decision: 'approve', note: 'twice', reviewer: alice, at: AT }))).toBe(
      'awaiting_confirmation',
    );
    expect(codeOf(() => decideReview(s, { decision: 'approve', note: 'also', reviewer: bob, at: AT }))).toBe(
      'awaiting_confirmation',
    );

    const second = confirmReview(s, { note: 'agreed', reviewer: bob, at: AT });
    expect(second.reviewStatus).toBe('approved');
    expect(second.action).toBe('confirmed');
    expect(second.review.awaitingConfirmation).toBeUndefined();
    expect(second.review.decisions.map((d) => [d.action, d.by?.uid])).toEqual([
      ['approved', 'u-alice'],
      ['confirmed', 'u-bob'],
    ]);
  });

  it('withdraws a waiting approval when the second reviewer escalates instead', () => {
    const first = decideReview(securityCritical(), { decision: 'approve', note: 'benign', reviewer: alice, at: AT });
    const esc = decideReview(apply(securityCritical(), first), {
      decision: 'escalate',
      note: 'not benign',
      reviewer: bob,
      at: AT,
    });
    expect(esc.reviewStatus).toBe('escalated');
    expect(esc.review.awaitingConfirmation).toBeUndefined();
    expect(codeOf(() => confirmReview(apply(securityCritical(), esc), { note: 'x', reviewer: carol, at: AT }))).toBe(
      'nothing_to_confirm',
    );
  });
});

describe('deadlines and the overdue escalation', () => {
  it('counts the deadline from recording time by level', () => {
    const recorded = new Date('2026-03-01T00:00:00Z');
    expect(reviewDueAt('CRITICAL', recorded, DEFAULT_REVIEW_SETTINGS).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(reviewDueAt('ERROR', recorded, DEFAULT_REVIEW_SETTINGS).toISOString()).toBe('2026-03-04T00:00:00.000Z');
    expect(isOverdue('2026-03-02T00:00:00.000Z', new Date('2026-03-02T00:00:00Z'))).toBe(true);
    expect(isOverdue('2026-03-02T00:00:00.000Z', new Date('2026-03-01T23:59:59Z'))).toBe(false);
    expect(isOverdue(undefined, new Date())).toBe(false);
  });

  it('escalates a pending overdue entry once, and nothing else', () => {
    const due = subject({ review: { ...EMPTY_REVIEW, dueAt: '2026-03-01T00:00:00.000Z' } });
    const now = new Date('2026-03-01T01:00:00Z');
    const t = escalateOverdue(due, now)!;
    expect(t).toMatchObject({ reviewStatus: 'escalated', actor: null, notifyAdmins: true });
    expect(t.review.overdueEscalatedAt).toBe(now.toISOString());
    expect(escalateOverdue(apply(due, t), now)).toBeNull();
    expect(escalateOverdue({ ...due, reviewStatus: 'pending', review: t.review }, now)).toBeNull();
    expect(escalateOverdue(due, new Date('2026-02-28T23:00:00Z'))).toBeNull();
    expect(escalateOverdue({ ...due, reviewStatus: 'investigating' }, now)).toBeNull();
    expect(escalateOverdue(subject(), now)).toBeNull();
  });
});

describe('review audit events', () => {
  it('are valid envelopes linked to the reviewed entry, classified without needing review', () => {
    const now = new Date('2026-03-01T12:00:01Z');
    const t = decideReview(subject(), { decision: 'investigate', note: 'check a@b.example', reviewer: alice, at: AT });
    const envelope = reviewAuditEnvelope(subject(), t);
    const entry = buildEntry(validateEnvelope(envelope, now), CLEAR_TEXT_TENANT_SETTINGS, { via: 'outbox' });
    expect(entry).toMatchObject({
      eventType: 'audit.review.investigate',
      resource: { type: 'audit_entry', id: LOG_ID },
      context: { correlationId: LOG_ID },
      category: 'COMPLIANCE',
      requiresReview: false,
    });
    expect(entry.changes).toEqual({
      before: { assignee: null, awaitingConfirmation: false, reviewStatus: 'pending' },
      after: { assignee: null, awaitingConfirmation: false, reviewStatus: 'investigating' },
    });

    const system = escalateOverdue(subject({ review: { ...EMPTY_REVIEW, dueAt: AT } }), now)!;
    const systemEntry = buildEntry(
      validateEnvelope(reviewAuditEnvelope(subject(), system), now),
      CLEAR_TEXT_TENANT_SETTINGS,
      { via: 'outbox' },
    );
    expect(systemEntry.actor).toEqual({ type: 'system', id: 'review-deadline', name: 'Review deadline' });
    expect(systemEntry.eventType).toBe('audit.review.escalated');
  });
});

describe('self-review', () => {
  const dave: Reviewer = { uid: 'u-dave', role: 'admin' };

  it('refuses every decision, the confirmation and the assignment of the user who acted', () => {
    for (const decision of ['approve', 'investigate', 'escalate'] as const) {
      expect(codeOf(() => decideReview(subject(), { decision, note: 'mine', reviewer: dave, at: AT }))).toBe(
        'self_review',
      );
    }
    const first = decideReview(securityCritical(), { decision: 'approve', note: 'ok', reviewer: alice, at: AT });
    expect(codeOf(() => confirmReview(apply(securityCritical(), first), { note: 'ok', reviewer: dave, at: AT }))).toBe(
      'self_review',
    );
    expect(codeOf(() => assignReview(subject(), { assignee: dave, admin: carol, note: '', at: AT }))).toBe(
      'self_review',
    );
  });

  it('reads the acting user from a stored entry: a user actor only', () => {
    const base = {
      tenantId: 'acme',
      eventType: 'repo.visibility_changed',
      level: 'CRITICAL',
      category: 'SYSTEM_CONFIGURATION',
      requiresReview: true,
      reviewStatus: 'pending',
    };
    expect(reviewSubjectSchema.parse({ ...base, actor: { type: 'user', id: 'u-dave' } }).actingUids).toEqual([
      'u-dave',
    ]);
    expect(reviewSubjectSchema.parse({ ...base, actor: { type: 'service_account', id: 'ci' } }).actingUids).toEqual([]);
    expect(reviewSubjectSchema.parse(base).actingUids).toEqual([]);
  });
});
