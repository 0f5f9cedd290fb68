import { ACCESS_BOUNDS } from '@audit-log/model/access';
import { describe, expect, it } from 'vitest';
import { parseColdSearchRequest } from '../archive';
import { CommandError } from '../commands';
import { prepareEvent, type PipelineDeps } from '../pipeline';
import { reservedNameErrors } from '../reserved-sources';
import { readTenantSettings } from '../tenant';
import { archiveSearchEvent } from './archive-search';
import { accessEventId, archiveSearchFilters } from './query-record';
import { consoleAccessEvent, parseRecordAccess, type Reader } from './record-access';

// Sealing personal data is on by default and has its own spec (privacy/sealing.spec.ts); this
// spec is about access entries and asserts actor fields in clear, so its tenant turns sealing off.
const CLEAR_TEXT = readTenantSettings({ privacy: { encryptPersonalData: false } }).settings;

const NOW = new Date('2026-03-01T10:00:00.000Z');
const deps: PipelineDeps = {
  now: () => NOW,
  tenantSettings: (id) => Promise.resolve(id === 'acme' ? CLEAR_TEXT : null),
};
const READER: Reader = { uid: 'u-auditor', email: 'auditor@acme.test', platformAdmin: false };
const LOG_ID = '0123456789abcdef0123456789abcdef';

/** The field errors of a refused request (fails the test if it was accepted). */
function fieldErrors(data: unknown): Array<{ path: string; message: string }> {
  try {
    parseRecordAccess(data);
  } catch (err) {
    expect(err).toBeInstanceOf(CommandError);
    expect((err as CommandError).code).toBe('invalid_argument');
    return [...(err as CommandError).errors];
  }
  throw new Error(`accepted: ${JSON.stringify(data)}`);
}
const paths = (data: unknown) => fieldErrors(data).map((e) => e.path);

/** What the trusted ingest path makes of an envelope: the stored entry, or why it was refused. */
async function stored(envelope: Record<string, unknown>) {
  const prepared = await prepareEvent({ value: envelope }, { via: 'outbox', trusted: true }, deps);
  if (prepared.status !== 'accepted') throw new Error(`rejected: ${JSON.stringify(prepared)}`);
  return prepared.entry;
}

const search = { tenantId: 'acme', kind: 'search', view: 'log_search' } as const;

describe('recordAccess requests', () => {
  it('accepts a search with its filters and an entry view with its log id', () => {
    expect(parseRecordAccess({ ...search, filters: { range: '7d', level: ['CRITICAL'] }, returned: 12 })).toEqual({
      ...search,
      filters: { range: '7d', level: ['CRITICAL'] },
      returned: 12,
    });
    expect(parseRecordAccess({ tenantId: 'acme', kind: 'entry_view', view: 'entry_detail', logId: LOG_ID }).logId).toBe(
      LOG_ID,
    );
  });

  it('names the field of every broken rule', () => {
    expect(paths({})).toEqual(expect.arrayContaining(['tenantId', 'kind', 'view']));
    expect(paths({ ...search, tenantId: 'acme/other' })).toEqual(['tenantId']);
    expect(paths({ ...search, kind: 'delete' })).toEqual(['kind']);
    expect(paths({ ...search, view: 'dashboard' })).toEqual(['view']);
    expect(paths({ tenantId: 'acme', kind: 'entry_view', view: 'entry_detail' })).toEqual(['logId']);
    expect(paths({ tenantId: 'acme', kind: 'entry_view', view: 'entry_detail', logId: 'not-a-log-id' })).toEqual([
      'logId',
    ]);
    expect(paths({ ...search, logId: LOG_ID })).toEqual(['logId']);
    expect(paths({ tenantId: 'acme', kind: 'entry_view', view: 'entry_detail', logId: LOG_ID, filters: {} })).toEqual([
      'filters',
    ]);
    expect(paths({ ...search, returned: -1 })).toEqual(['returned']);
    expect(paths({ ...search, returned: 1.5 })).toEqual(['returned']);
    expect(paths({ ...search, requestId: 'short' })).toEqual(['requestId']);
    expect(paths({ ...search, results: [{ logId: LOG_ID }] })).toEqual(['']);
  });

  it('bounds the filter: names, values per name, characters per value', () => {
    const many = Object.fromEntries(Array.from({ length: ACCESS_BOUNDS.filterNames + 1 }, (_, i) => [`f${i}`, 'x']));
    expect(paths({ ...search, filters: many })).toEqual(['filters']);
    const long = 'x'.repeat(ACCESS_BOUNDS.filterValueChars + 1);
    expect(paths({ ...search, filters: { keyword: long } })).toEqual(['filters.keyword']);
    expect(paths({ ...search, filters: { level: ['INFO', long] } })).toEqual(['filters.level.1']);
    const list = Array.from({ length: ACCESS_BOUNDS.filterValues + 1 }, (_, i) => `v${i}`);
    expect(paths({ ...search, filters: { eventType: list } })).toEqual(['filters.eventType']);
    expect(paths({ ...search, filters: { level: { nested: 'x' } } })).toEqual(['filters.level']);
    expect(paths({ ...search, filters: { keyword: 'line\nbreak' } })).toEqual(['filters.keyword']);
    expect(paths({ ...search, filters: ['level'] })).toEqual(['filters']);
    expect(paths({ ...search, filters: { [`f${'x'.repeat(40)}`]: 'x' } })).toEqual([
      `filters.f${'x'.repeat(ACCESS_BOUNDS.filterNameChars - 1)}`,
    ]);
  });

  it('refuses hostile filter names as they arrive in parsed JSON', () => {
    const hostile = JSON.parse('{"__proto__": "x", "constructor": "y", "a b": "z"}') as unknown;
    expect(paths({ ...search, filters: hostile })).toEqual(['filters.__proto__', 'filters.a b']);
    // `constructor` is shaped like a field name, but an own property: recorded as data, harmless.
    expect(parseRecordAccess({ ...search, filters: JSON.parse('{"constructor": "y"}') as unknown }).filters).toEqual({
      constructor: 'y',
    });
  });
});

describe('the entries of console reads', () => {
  it('records a search as DATA_ACCESS INFO under the reserved access source, filters and not rows', async () => {
    const request = parseRecordAccess({ ...search, filters: { range: '30d', level: 'CRITICAL' }, returned: 3 });
    const envelope = consoleAccessEvent({
      reader: READER,
      tenantId: 'acme',
      request,
      readId: 'r'.repeat(16),
      occurredAt: NOW.toISOString(),
    });
    // A producer sending this exact envelope is refused: the source and type are the system's.
    expect(reservedNameErrors(envelope as { source: string; eventType: string }).map((e) => e.path)).toEqual([
      'source',
      'eventType',
    ]);
    const entry = await stored(envelope);
    expect(entry).toMatchObject({
      eventType: 'audit.log.searched',
      source: 'audit-access',
      category: 'DATA_ACCESS',
      level: 'INFO',
      requiresReview: false,
      operation: 'READ',
      actor: { type: 'user', id: 'u-auditor', email: 'auditor@acme.test' },
      resource: { type: 'audit_log', id: 'acme' },
      changes: {
        before: null,
        after: { view: 'log_search', filters: { range: ['30d'], level: ['CRITICAL'] }, returned: 3 },
      },
    });
  });

  it('records an entry opened, naming the entry', async () => {
    const request = parseRecordAccess({ tenantId: 'acme', kind: 'entry_view', view: 'review_queue', logId: LOG_ID });
    const entry = await stored(
      consoleAccessEvent({
        reader: READER,
        tenantId: 'acme',
        request,
        readId: 'x'.repeat(16),
        occurredAt: NOW.toISOString(),
      }),
    );
    expect(entry).toMatchObject({
      eventType: 'audit.entry.viewed',
      category: 'DATA_ACCESS',
      level: 'INFO',
      resource: { type: 'audit_log_entry', id: LOG_ID },
      changes: { after: { view: 'review_queue', logId: LOG_ID } },
    });
  });

  it('marks a platform admin reading across tenants', async () => {
    const request = parseRecordAccess(search);
    const envelope = consoleAccessEvent({
      reader: { uid: 'p-1', platformAdmin: true },
      tenantId: 'acme',
      request,
      readId: 'p'.repeat(16),
      occurredAt: NOW.toISOString(),
    });
    expect((await stored(envelope)).actor).toEqual({ type: 'user', id: 'p-1', roles: ['platformAdmin'] });
  });

  it('gives a retried report the same event id, and another reader a different one', () => {
    const id = accessEventId('search', 'u-1', 'read-0000000000000001');
    expect(accessEventId('search', 'u-1', 'read-0000000000000001')).toBe(id);
    expect(accessEventId('search', 'u-2', 'read-0000000000000001')).not.toBe(id);
    expect(accessEventId('search', 'u-1', 'read-0000000000000002')).not.toBe(id);
    expect(id.length).toBeLessThanOrEqual(128);
  });
});

describe('the entries of cold searches', () => {
  it('records the filters of the request, not its paging, with the count returned', async () => {
    const request = parseColdSearchRequest({
      levels: ['CRITICAL'],
      actorId: 'u-2',
      pageSize: 10,
      cursor: 'opaque',
      tenantId: 'acme',
    });
    expect(archiveSearchFilters(request)).toEqual({ levels: ['CRITICAL'], actorId: ['u-2'] });
    const entry = await stored(
      archiveSearchEvent({
        reader: READER,
        tenantId: 'acme',
        request,
        returned: 10,
        more: true,
        readId: 'c'.repeat(24),
        occurredAt: NOW.toISOString(),
      }),
    );
    expect(entry).toMatchObject({
      eventType: 'audit.archive.searched',
      source: 'audit-access',
      category: 'DATA_ACCESS',
      level: 'INFO',
      resource: { type: 'audit_archive', id: 'acme' },
      changes: { after: { continued: true, pageSize: 10, returned: 10, more: true } },
    });
  });
});
