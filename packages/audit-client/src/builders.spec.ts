import { describe, expect, it } from 'vitest';
import { buildEntry } from '../../../functions/src/domain/pipeline';
import { CLEAR_TEXT_TENANT_SETTINGS } from '../../../functions/src/domain/tenant';
import { builderName, EventFactory, validateEvent } from './builders';
import { CATALOG_EVENT_TYPES, EVENT_TYPE_ALIASES, RejectionError, type FieldError } from './contract';
import { SequenceCounter } from './sequence';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const alice = { type: 'user' as const, id: 'u-alice', name: 'Alice' };
const repo = { type: 'repository', id: 'r-1', name: 'widgets' };

function factory(sequences?: SequenceCounter | false): EventFactory {
  let n = 0;
  return new EventFactory({
    source: 'repo-service',
    clock: () => NOW,
    newEventId: () => `evt-${++n}`,
    ...(sequences !== undefined ? { sequences } : {}),
  });
}

function fieldErrorsOf(action: () => unknown): readonly FieldError[] {
  try {
    action();
  } catch (err) {
    if (err instanceof RejectionError) return err.errors;
    throw err;
  }
  throw new Error('expected a RejectionError');
}

describe('typed builders', () => {
  it('offer one camelCase builder per catalog event type, which builds that type', () => {
    const f = factory();
    const builders = f.events as unknown as Record<string, (input: unknown) => { eventType: string }>;
    expect(Object.keys(builders)).toHaveLength(CATALOG_EVENT_TYPES.length + Object.keys(EVENT_TYPE_ALIASES).length);
    for (const type of CATALOG_EVENT_TYPES) {
      const input = { tenantId: 'acme', actor: alice, resource: repo, changes: changesFor(type) };
      expect(builders[builderName(type)]!(input).eventType, type).toBe(type);
    }
  });

  it('keep the builders of earlier names, which build the canonical type', () => {
    const f = factory();
    expect(f.events.authLogin({ tenantId: 'acme', actor: alice }).eventType).toBe('auth.user.login');
    expect(f.events.authLogout({ tenantId: 'acme', actor: alice }).eventType).toBe('auth.user.logout');
    expect(f.build('auth.login', { tenantId: 'acme', actor: alice }).eventType).toBe('auth.user.login');
  });

  it('name builders in camelCase across dots and underscores', () => {
    expect(builderName('repo.visibility_changed')).toBe('repoVisibilityChanged');
    expect(builderName('auth.login.failed')).toBe('authLoginFailed');
    expect(builderName('pr.review_requested')).toBe('prReviewRequested');
  });

  it('fill the envelope: spec version, source, id, clock time, derived operation, default outcome', () => {
    const event = factory().events.repoCreated({
      tenantId: 'acme',
      actor: alice,
      resource: repo,
      changes: { after: { name: 'widgets', visibility: 'private' } },
    });
    expect(event).toEqual({
      specVersion: '1.0',
      eventId: 'evt-1',
      eventType: 'repo.created',
      tenantId: 'acme',
      occurredAt: '2026-03-01T10:00:00.000Z',
      source: 'repo-service',
      sequence: 0,
      actor: alice,
      resource: repo,
      operation: 'CREATE',
      outcome: 'success',
      changes: { before: null, after: { name: 'widgets', visibility: 'private' } },
    });
  });

  it('give an auth event without a resource, and refuse other events without one', () => {
    const f = factory();
    expect(f.events.authUserLogin({ tenantId: 'acme', actor: alice }).resource).toBeUndefined();
    // @ts-expect-error: repo events must name their resource; the type says so before the schema does.
    const missing = () => f.events.repoDeleted({ tenantId: 'acme', actor: alice, changes: { before: {} } });
    expect(fieldErrorsOf(missing)).toContainEqual({
      path: 'resource',
      message: 'is required except for auth.* events',
    });
  });

  it("reject what the server would reject, with the server's field-level messages", () => {
    const f = factory();
    const bad = () =>
      f.build('repo.created', {
        tenantId: 'acme corp',
        actor: { type: 'user', id: '' },
        resource: repo,
        changes: { before: { name: 'x' }, after: { name: 'y' } },
      });
    const paths = fieldErrorsOf(bad).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['tenantId', 'actor.id']));
    const future = () =>
      f.build('repo.created', {
        tenantId: 'acme',
        actor: alice,
        resource: repo,
        occurredAt: new Date(NOW.getTime() + 6 * 60_000),
      });
    expect(fieldErrorsOf(future)).toContainEqual({
      path: 'occurredAt',
      message: 'must not be more than 5 minutes in the future',
    });
    const changesRule = () =>
      f.events.repoDeleted({ tenantId: 'acme', actor: alice, resource: repo, changes: { after: { name: 'x' } } });
    expect(fieldErrorsOf(changesRule).map((e) => e.path)).toEqual(['changes.before', 'changes.after']);
  });

  it('refuse an event larger than the envelope limit', () => {
    const huge = { blob: 'x'.repeat(300 * 1024) };
    const oversized = () =>
      factory().events.repoSettingsUpdated({
        tenantId: 'acme',
        actor: alice,
        resource: repo,
        changes: { before: {}, after: huge },
      });
    expect(oversized).toThrow(RejectionError);
  });

  it('build events whose stored entries the server classifies as the producer meant', () => {
    const f = factory();
    const madePublic = f.events.repoVisibilityChanged({
      tenantId: 'acme',
      actor: alice,
      resource: repo,
      changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
    });
    const entry = buildEntry(madePublic, CLEAR_TEXT_TENANT_SETTINGS, { via: 'pubsub' });
    expect(entry).toMatchObject({ level: 'CRITICAL', requiresReview: true, changedFields: ['visibility'] });
  });
});

describe('sequence numbers', () => {
  it('increase per tenant and source, independently across tenants', () => {
    const f = factory();
    const seq = (tenantId: string) => f.events.authUserLogin({ tenantId, actor: alice }).sequence;
    expect([seq('acme'), seq('acme'), seq('globex'), seq('acme'), seq('globex')]).toEqual([0, 1, 0, 2, 1]);
  });

  it('are not used up by an event that fails validation', () => {
    const f = factory();
    expect(() => f.build('repo.created', { tenantId: 'acme', actor: alice } as never)).toThrow(RejectionError);
    expect(f.events.authUserLogin({ tenantId: 'acme', actor: alice }).sequence).toBe(0);
  });

  it('can be given explicitly, left out, or switched off', () => {
    const f = factory();
    expect(f.events.authUserLogin({ tenantId: 'acme', actor: alice, sequence: 41 }).sequence).toBe(41);
    expect(f.events.authUserLogin({ tenantId: 'acme', actor: alice, sequence: null })).not.toHaveProperty('sequence');
    expect(() => f.events.authUserLogin({ tenantId: 'acme', actor: alice, sequence: -1 })).toThrow(RejectionError);
    expect(factory(false).events.authUserLogin({ tenantId: 'acme', actor: alice })).not.toHaveProperty('sequence');
  });

  it('continue from a start the producer supplies', () => {
    const f = factory(new SequenceCounter((tenantId) => (tenantId === 'acme' ? 1000 : 0)));
    expect(f.events.authUserLogout({ tenantId: 'acme', actor: alice }).sequence).toBe(1000);
    expect(f.events.authUserLogout({ tenantId: 'acme', actor: alice }).sequence).toBe(1001);
  });
});

describe('helpers', () => {
  it('record a denied permission check as outcome denied, with the permission asked for', () => {
    const event = factory().permissionCheck({
      tenantId: 'acme',
      actor: alice,
      resource: repo,
      permission: 'repo.push',
      allowed: false,
      reason: 'not a collaborator',
    });
    expect(event).toMatchObject({
      eventType: 'permission.check.denied',
      outcome: 'denied',
      operation: 'EXECUTE',
      metadata: { permission: 'repo.push', reason: 'not a collaborator' },
    });
    const entry = buildEntry(event, CLEAR_TEXT_TENANT_SETTINGS, { via: 'pubsub' });
    expect(entry).toMatchObject({ category: 'AUTHORIZATION', level: 'WARNING' });
  });

  it('record an allowed permission check as a success', () => {
    const event = factory().permissionCheck({
      tenantId: 'acme',
      actor: alice,
      resource: repo,
      permission: 'repo.read',
      allowed: true,
    });
    expect(event).toMatchObject({ eventType: 'permission.check.allowed', outcome: 'success' });
    expect(event.metadata).toEqual({ permission: 'repo.read' });
  });

  it('record a failed login as anonymous unless the account is known', () => {
    const f = factory();
    const unknown = f.loginFailed({
      tenantId: 'acme',
      email: 'nobody@acme.test',
      ip: '203.0.113.9',
      reason: 'unknown_user',
    });
    expect(unknown).toMatchObject({
      eventType: 'auth.login.failed',
      outcome: 'failure',
      actor: { type: 'anonymous', email: 'nobody@acme.test', ip: '203.0.113.9' },
      metadata: { reason: 'unknown_user' },
    });
    expect(unknown.actor).not.toHaveProperty('id');
    const known = f.loginFailed({ tenantId: 'acme', uid: 'u-alice', reason: 'wrong_password', method: 'password' });
    expect(known.actor).toEqual({ type: 'user', id: 'u-alice' });
    expect(known.metadata).toEqual({ reason: 'wrong_password', method: 'password' });
  });
});

describe('validateEvent', () => {
  it('accepts a hand-written envelope and applies the defaults the server applies', () => {
    const event = validateEvent(
      {
        specVersion: '1.0',
        eventId: 'e-1',
        eventType: 'issue.closed',
        tenantId: 'acme',
        occurredAt: '2026-03-01T09:00:00Z',
        source: 'issues',
        actor: alice,
        resource: { type: 'issue', id: 'i-1' },
      },
      NOW,
    );
    expect(event).toMatchObject({ outcome: 'success', operation: 'UPDATE' });
  });

  it('refuses keys the contract does not know', () => {
    const errors = fieldErrorsOf(() =>
      validateEvent({ ...factory().events.authUserLogin({ tenantId: 'acme', actor: alice }), colour: 'red' }, NOW),
    );
    expect(errors.map((e) => e.path)).toContain('colour');
  });
});

/** Changes that satisfy each operation's rule, so every builder can be called with one input. */
function changesFor(type: string): { before?: Record<string, unknown>; after?: Record<string, unknown> } | undefined {
  const probe = new EventFactory({ source: 'probe', clock: () => NOW, sequences: false });
  const op = probe.build(type, { tenantId: 'acme', actor: alice, resource: repo }).operation;
  if (op === 'CREATE') return { after: { id: 'x' } };
  if (op === 'UPDATE') return { before: { id: 'x' }, after: { id: 'y' } };
  if (op === 'DELETE') return { before: { id: 'x' } };
  return undefined;
}
