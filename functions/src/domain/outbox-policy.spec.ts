import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OUTBOX_POLICY,
  admittedByRank,
  markAssertedActorDetails,
  outboxFamilyErrors,
  outboxQuotaKey,
  outboxUserOf,
  outboxWindowOf,
  readOutboxPolicy,
} from './outbox-policy';

describe('outbox policy', () => {
  it('refuses the restricted families whatever the tenant allows, and narrows to an allow-list', () => {
    for (const type of ['security.secret.leaked', 'compliance.x.y', 'permission.role.granted', 'auth.login.failed']) {
      expect(outboxFamilyErrors(type, DEFAULT_OUTBOX_POLICY)).toEqual([expect.objectContaining({ path: 'eventType' })]);
    }
    expect(outboxFamilyErrors('config.settings.updated', DEFAULT_OUTBOX_POLICY)).toHaveLength(1);
    expect(outboxFamilyErrors('audit.review.approved', DEFAULT_OUTBOX_POLICY)).toHaveLength(1);
    expect(outboxFamilyErrors('repo.created', DEFAULT_OUTBOX_POLICY)).toEqual([]);
    const narrow = readOutboxPolicy({ outbox: { allowedFamilies: ['repo', 'security'] } }).policy;
    expect(outboxFamilyErrors('repo.created', narrow)).toEqual([]);
    expect(outboxFamilyErrors('issue.closed', narrow)).toHaveLength(1);
    expect(outboxFamilyErrors('security.secret.leaked', narrow)).toHaveLength(1);
  });

  it('falls back to the default policy on malformed settings and says why', () => {
    const { policy, problems } = readOutboxPolicy({ outbox: { userRateLimit: { events: -1 } } });
    expect(policy).toEqual(DEFAULT_OUTBOX_POLICY);
    expect(problems).toEqual([expect.stringContaining('outbox.userRateLimit.events')]);
    expect(readOutboxPolicy(undefined).policy.userRateLimit).toEqual({ events: 120, windowSeconds: 60 });
  });

  it('counts user actors only, per fixed window, and admits the first `events` tickets', () => {
    expect(outboxUserOf({ actor: { type: 'user', id: 'u1' } })).toBe('u1');
    expect(outboxUserOf({ actor: { type: 'service_account', id: 'ci' } })).toBeNull();
    const policy = readOutboxPolicy({ outbox: { userRateLimit: { events: 2, windowSeconds: 60 } } }).policy;
    expect(outboxWindowOf(59_999, policy)).toEqual({ index: 0, endMs: 60_000 });
    expect(outboxWindowOf(60_000, policy).index).toBe(1);
    expect([0, 1, 2].map((rank) => admittedByRank(rank, policy))).toEqual([true, true, false]);
    expect(outboxQuotaKey('acme', 'u/1', 60, 1)).toMatch(/^[0-9a-f]{40}$/);
    expect(outboxQuotaKey('acme', 'u1', 60, 1)).not.toBe(outboxQuotaKey('acme', 'u1', 60, 2));
  });

  it('marks the actor details the client stated and replaces a client-written list', () => {
    const marked = markAssertedActorDetails({
      actor: { type: 'user', id: 'u1', roles: ['owner'], ip: '10.0.0.1', email: 'a@b.c' },
      metadata: { asserted: [], ticket: 'T-1' },
    });
    expect(marked).toMatchObject({ metadata: { asserted: ['ip', 'roles'], ticket: 'T-1' } });
    expect(markAssertedActorDetails({ actor: { type: 'user', id: 'u1' }, metadata: { asserted: ['x'] } })).toEqual({
      actor: { type: 'user', id: 'u1' },
      metadata: {},
    });
    const plain = { actor: { type: 'user', id: 'u1' } };
    expect(markAssertedActorDetails(plain)).toBe(plain);
  });
});
