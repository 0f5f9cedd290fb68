import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OUTBOX_POLICY,
  admittedByRank,
  markAssertedActorDetails,
  outboxFamilyErrors,
  outboxQuotaKey,
  outboxUserOf,
  outboxWindowOf,
  OUTBOX_RESTRICTED_FAMILIES,
  readOutboxPolicy,
} from './outbox-policy';

describe('outbox policy', () => {
  it('narrows the outbox to the tenant’s allow-list, leaving the restricted families to the rules', () => {
    expect(outboxFamilyErrors('repo.created', DEFAULT_OUTBOX_POLICY)).toEqual([]);
    expect(outboxFamilyErrors('auth.role.changed', DEFAULT_OUTBOX_POLICY)).toEqual([]);
    const narrow = readOutboxPolicy({ outbox: { allowedFamilies: ['repo'] } }).policy;
    expect(outboxFamilyErrors('repo.created', narrow)).toEqual([]);
    expect(outboxFamilyErrors('issue.closed', narrow)).toEqual([expect.objectContaining({ path: 'eventType' })]);
    expect(outboxFamilyErrors('security.secret.leaked', narrow)).toHaveLength(1);
  });

  it('is mirrored by the rules, which refuse the restricted families to every client', () => {
    const rules = readFileSync(path.join(__dirname, '../../../firestore.rules'), 'utf8');
    const listed = /eventType\.split\('\[\.\]'\)\[0\] in \[([^\]]*)\]/.exec(rules)?.[1] ?? '';
    const named = listed.match(/'[^']+'/g)?.map((s) => s.slice(1, -1)) ?? [];
    expect([...named].sort()).toEqual([...OUTBOX_RESTRICTED_FAMILIES].sort());
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
