import { describe, expect, it } from 'vitest';
import {
  CAPTURE_CHANGES_BUDGET,
  CAPTURE_SOURCE,
  captureEnvelope,
  captureEventId,
  fitChanges,
  resolveCaptureActor,
  type CaptureInput,
} from './capture';
import { DEFAULT_CAPTURE_TARGETS, type CaptureTarget } from './capture-config';
import { buildEntry } from './pipeline';
import { CLEAR_TEXT_TENANT_SETTINGS } from './tenant';
import { validateEnvelope } from './validate';

const repos = DEFAULT_CAPTURE_TARGETS[0]!;
const members = DEFAULT_CAPTURE_TARGETS[3]!;
const NOW = new Date('2026-03-01T12:00:00.000Z');

function input(overrides: Partial<CaptureInput>): CaptureInput {
  return {
    firestoreEventId: 'evt-1',
    documentPath: 'tenants/acme/repos/r1',
    params: { tenantId: 'acme', docId: 'r1' },
    time: '2026-03-01T11:59:59.123Z',
    before: null,
    after: null,
    ...overrides,
  };
}

/** Runs the mapped envelope through the real validation and entry builder, as ingest does. */
function entryOf(inp: CaptureInput, target: CaptureTarget = repos) {
  const result = captureEnvelope(inp, target);
  if (result.status !== 'event') throw new Error(`skipped: ${result.reason}`);
  return buildEntry(validateEnvelope(result.envelope, NOW), CLEAR_TEXT_TENANT_SETTINGS, { via: 'outbox' });
}

describe('captureEnvelope', () => {
  it('maps a create: before null, every leaf of after changed, actor from createdBy', () => {
    const entry = entryOf(
      input({ after: { name: 'api', visibility: 'private', settings: { wiki: true }, createdBy: 'u1' } }),
    );
    expect(entry).toMatchObject({
      eventType: 'data.repository.created',
      category: 'DATA_MODIFICATION',
      operation: 'CREATE',
      tenantId: 'acme',
      source: CAPTURE_SOURCE,
      actor: { type: 'user', id: 'u1' },
      resource: { type: 'repository', id: 'r1', name: 'api', path: 'tenants/acme/repos/r1' },
      occurredAt: '2026-03-01T11:59:59.123Z',
      changes: { before: null, after: { name: 'api', visibility: 'private', settings: { wiki: true } } },
    });
    expect(entry.changedFields).toEqual(['createdBy', 'name', 'settings.wiki', 'visibility']);
  });

  it('maps a nested update with deep changed fields and the updatedBy actor', () => {
    const before = { name: 'api', settings: { merge: { squash: true }, wiki: true }, updatedBy: 'u1' };
    const after = { name: 'api', settings: { merge: { squash: false }, wiki: true }, updatedBy: 'u2' };
    const entry = entryOf(input({ before, after }));
    expect(entry.eventType).toBe('data.repository.updated');
    expect(entry.operation).toBe('UPDATE');
    expect(entry.actor).toEqual({ type: 'user', id: 'u2' });
    expect(entry.changes).toEqual({ before, after });
    expect(entry.changedFields).toEqual(['settings.merge.squash', 'updatedBy']);
  });

  it('raises a private-to-public change to CRITICAL through the normal classifier', () => {
    const entry = entryOf(input({ before: { visibility: 'private' }, after: { visibility: 'public' } }));
    expect(entry.level).toBe('CRITICAL');
    expect(entry.requiresReview).toBe(true);
  });

  it('maps a delete: after null, actor from the deletedBy tombstone or else the system', () => {
    const tombstoned = entryOf(input({ before: { name: 'api', deletedBy: { id: 'u3', name: 'Ann' } } }));
    expect(tombstoned).toMatchObject({
      eventType: 'data.repository.deleted',
      operation: 'DELETE',
      actor: { type: 'user', id: 'u3', name: 'Ann' },
      changes: { before: { name: 'api', deletedBy: { id: 'u3', name: 'Ann' } }, after: null },
    });
    const plain = entryOf(input({ before: { name: 'api', updatedBy: 'u1' } }));
    // updatedBy names the last writer, not whoever deleted: never used for a delete.
    expect(plain.actor).toEqual({ type: 'system', id: CAPTURE_SOURCE });
    expect(plain.metadata).toMatchObject({ capture: { actorField: null, target: 'repos' } });
  });

  it('classifies membership changes as AUTHORIZATION and a raise to admin as CRITICAL', () => {
    const entry = entryOf(
      input({
        documentPath: 'tenants/acme/members/u9',
        params: { tenantId: 'acme', docId: 'u9' },
        before: { role: 'member', updatedBy: 'u1' },
        after: { role: 'admin', updatedBy: 'u1' },
      }),
      members,
    );
    expect(entry).toMatchObject({
      eventType: 'permission.member.updated',
      category: 'AUTHORIZATION',
      level: 'CRITICAL',
    });
  });

  it('never maps a document of the audit system, even when a target points there', () => {
    const rogue: CaptureTarget = { ...repos, document: 'audit_logs/{docId}' };
    for (const documentPath of ['audit_logs/x', 'tenants/acme/audit_outbox/x', 'notifications/n1']) {
      expect(captureEnvelope(input({ documentPath, after: { a: 1 } }), rogue)).toEqual({
        status: 'skipped',
        reason: 'audit_owned_collection',
      });
    }
  });

  it('skips rewrites that change nothing and events without a document', () => {
    const doc = { name: 'api', n: 1 };
    expect(captureEnvelope(input({ before: doc, after: { n: 1, name: 'api' } }), repos)).toEqual({
      status: 'skipped',
      reason: 'no_change',
    });
    expect(captureEnvelope(input({}), repos)).toEqual({ status: 'skipped', reason: 'no_document' });
  });

  it('derives one event id per write, the same for every redelivery', () => {
    const a = captureEnvelope(input({ after: { a: 1 } }), repos);
    const b = captureEnvelope(input({ after: { a: 1 } }), repos);
    expect(a).toEqual(b);
    expect(captureEventId('evt-1', 'tenants/acme/repos/r1')).not.toBe(captureEventId('evt-2', 'tenants/acme/repos/r1'));
    expect(captureEventId('evt-1', 'tenants/acme/repos/r1')).toMatch(/^fs-[0-9a-f]{40}$/);
  });

  it('keeps resource names and ids within the envelope rules', () => {
    const longId = 'x'.repeat(600);
    const result = captureEnvelope(
      input({ documentPath: `tenants/acme/repos/${longId}`, after: { title: 'line\nbreak' } }),
      repos,
    );
    if (result.status !== 'event') throw new Error(`skipped: ${result.reason}`);
    const resource = result.envelope.resource as { id: string; name: string };
    expect(resource.id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(resource.name).toBe('line break');
  });
});

describe('resolveCaptureActor', () => {
  it('falls back from createdBy to updatedBy on create and ignores malformed values', () => {
    expect(resolveCaptureActor('CREATE', null, { updatedBy: 'u2' })).toEqual({
      actor: { type: 'user', id: 'u2' },
      actorField: 'updatedBy',
    });
    expect(resolveCaptureActor('UPDATE', {}, { updatedBy: { email: 'no-id@example.com' } }).actorField).toBeNull();
    expect(resolveCaptureActor('UPDATE', {}, { updatedBy: { type: 'service_account', id: 'ci' } }).actor).toEqual({
      type: 'service_account',
      id: 'ci',
    });
    expect(resolveCaptureActor('UPDATE', {}, { updatedBy: 42 }).actor.type).toBe('system');
  });
});

describe('fitChanges', () => {
  it('leaves changes within the budget untouched', () => {
    const doc = { a: 'x'.repeat(5000) };
    expect(fitChanges(doc, doc)).toEqual({ before: doc, after: doc, omitted: [] });
  });

  it('replaces large top-level values by digests so the change stays visible and valid', () => {
    const big = 'y'.repeat(CAPTURE_CHANGES_BUDGET);
    const before = { body: big, title: 'a', notes: 'z'.repeat(2000) };
    const after = { body: `${big}!`, title: 'b', notes: 'z'.repeat(2000) };
    const fitted = fitChanges(before, after);
    expect(fitted.omitted).toEqual(['body', 'notes']);
    expect(fitted.after?.title).toBe('b');
    expect(String(fitted.after?.body)).toMatch(/^\[omitted: \d+ bytes, sha256 [0-9a-f]{64}\]$/);
    expect(fitted.before?.notes).toBe(fitted.after?.notes);
    expect(fitted.before?.body).not.toBe(fitted.after?.body);

    const entry = entryOf(input({ before, after }));
    expect(entry.changedFields).toEqual(['body', 'title']);
    expect(entry.metadata).toMatchObject({ capture: { omittedFields: ['body', 'notes'] } });
  });
});
