import { describe, expect, it } from 'vitest';
import { abilities, needsTwoPersons, toQueueItem } from './review-model';

const at = (iso: string) => ({ toDate: () => new Date(iso) });

/** A review doc (`audit_reviews/{logId}`): the copied entry fields, `status` and the flat record. */
function item(review: Record<string, unknown> = {}, status = 'pending', level = 'CRITICAL', category = 'SECURITY') {
  return toQueueItem('log-1', {
    eventType: 'security.secret.leaked',
    level,
    category,
    outcome: 'success',
    occurredAt: at('2026-03-01T12:00:00Z'),
    actor: { type: 'user', id: 'u-x' },
    status,
    version: 0,
    decisions: [],
    ...review,
  });
}

describe('review model', () => {
  it('maps stored review fields, Timestamps to Dates', () => {
    const mapped = item({
      dueAt: at('2026-03-02T12:00:00Z'),
      assignee: { uid: 'u-a', email: 'a@example.com' },
      decisions: [
        { action: 'approved', by: { uid: 'u-a' }, note: 'fine', at: at('2026-03-01T13:00:00Z'), status: 'pending' },
      ],
      awaitingConfirmation: { by: { uid: 'u-a' }, note: 'fine', at: at('2026-03-01T13:00:00Z') },
    });
    expect(mapped.review.dueAt?.toISOString()).toBe('2026-03-02T12:00:00.000Z');
    expect(mapped.review.decisions[0]).toMatchObject({ action: 'approved', by: { uid: 'u-a' }, note: 'fine' });
    expect(mapped.review.awaitingConfirmation?.by.uid).toBe('u-a');
    expect(item(undefined).review).toEqual({
      assignee: null,
      dueAt: null,
      decisions: [],
      awaitingConfirmation: null,
      overdueEscalatedAt: null,
    });
  });

  it('offers confirmation only to a reviewer other than the first approver', () => {
    const waiting = item({ awaitingConfirmation: { by: { uid: 'u-a' }, note: 'ok' } });
    expect(needsTwoPersons(waiting)).toBe(true);
    expect(abilities(waiting, { uid: 'u-a', role: 'reviewer' })).toMatchObject({ confirm: false });
    expect(abilities(waiting, { uid: 'u-a', role: 'reviewer' }).reason).toMatch(/second reviewer/);
    expect(abilities(waiting, { uid: 'u-b', role: 'reviewer' })).toMatchObject({ confirm: true, decide: true });
  });

  it('lets only the assignee or an admin decide, and nobody decide a closed review', () => {
    const assigned = item({ assignee: { uid: 'u-a' } }, 'pending', 'ERROR', 'SECURITY');
    expect(abilities(assigned, { uid: 'u-b', role: 'reviewer' })).toMatchObject({ decide: false, assign: false });
    expect(abilities(assigned, { uid: 'u-c', role: 'admin' })).toMatchObject({ decide: true, assign: true });
    expect(abilities(item({}, 'approved'), { uid: 'u-c', role: 'admin' })).toMatchObject({
      decide: false,
      confirm: false,
    });
    expect(abilities(item(), { uid: 'u-d', role: 'auditor' })).toMatchObject({ decide: false });
  });

  it('offers nothing to decide or confirm on the user’s own entry, and says why', () => {
    const own = abilities(item(), { uid: 'u-x', role: 'reviewer' });
    expect(own).toMatchObject({ decide: false, confirm: false, assign: false });
    expect(own.reason).toMatch(/another reviewer/);
    const waiting = item({ awaitingConfirmation: { by: { uid: 'u-a' }, note: 'ok', at: at('2026-03-01T13:00:00Z') } });
    expect(abilities(waiting, { uid: 'u-x', role: 'admin' })).toMatchObject({
      decide: false,
      confirm: false,
      assign: true,
    });
  });
});
