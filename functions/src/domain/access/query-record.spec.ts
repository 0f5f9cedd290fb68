import { describe, expect, it } from 'vitest';
import { parseColdSearchRequest, type ColdSearchRequest } from '../archive';
import { CommandError } from '../commands';
import { archiveSearchEvent, archiveSearchEventId } from './archive-search';
import { queryEventId } from './query-record';
import {
  consoleAccessEvent,
  consoleAccessEventId,
  parseRecordAccess,
  withAddressesAsTokens,
  type Reader,
} from './record-access';

// A console query that reaches the archive is one report plus one `searchArchives` call per page;
// all of them must name one entry, and nothing a reader sends may hide a filter it read.

const READER: Reader = { uid: 'u-auditor', email: 'auditor@acme.test', platformAdmin: false };
const QUERY = 'q'.repeat(8) + '0123456789abcdef';
const OCCURRED = '2026-03-01T10:00:00.000Z';

const RANGE = { from: '2025-11-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' };
const cold = (fields: Record<string, unknown>): ColdSearchRequest => parseColdSearchRequest({ ...RANGE, ...fields });

function pageEventId(request: ColdSearchRequest, readId: string, reader: Reader = READER): string {
  return archiveSearchEventId({ reader, tenantId: 'acme', request, readId });
}

function reportEventId(archive: { queryId: string; request: Record<string, unknown> } | undefined, readId: string) {
  const request = parseRecordAccess({
    tenantId: 'acme',
    kind: 'search',
    view: 'log_search',
    filters: { range: '120d', level: 'CRITICAL' },
    ...(archive ? { archive } : {}),
  });
  return consoleAccessEventId({ reader: READER, tenantId: 'acme', request, readId });
}

describe('one record per console query', () => {
  const filter = { ...RANGE, levels: ['CRITICAL'], pageSize: 50 };

  it('names the same entry for the report and every page of the query, whatever their cursor and read id', () => {
    const id = reportEventId({ queryId: QUERY, request: filter }, 'r'.repeat(16));
    expect(pageEventId(cold({ ...filter, queryId: QUERY }), 'a'.repeat(24))).toBe(id);
    expect(pageEventId(cold({ ...filter, queryId: QUERY, cursor: 'next-page', pageSize: 20 }), 'b'.repeat(24))).toBe(
      id,
    );
    expect(id).toBe(queryEventId(READER.uid, 'acme', QUERY, cold(filter)));
  });

  it('names another entry when the same query id carries another filter (a filter never rides on a recorded one)', () => {
    const id = pageEventId(cold({ ...filter, queryId: QUERY }), 'a'.repeat(24));
    expect(pageEventId(cold({ levels: ['INFO'], queryId: QUERY }), 'a'.repeat(24))).not.toBe(id);
    expect(pageEventId(cold({ ...filter, keyword: 'secret', queryId: QUERY }), 'a'.repeat(24))).not.toBe(id);
    expect(reportEventId({ queryId: QUERY, request: { levels: ['INFO'] } }, 'r'.repeat(16))).not.toBe(id);
  });

  it("names another entry for another reader's query of the same id (nobody suppresses another's record)", () => {
    const request = cold({ ...filter, queryId: QUERY });
    expect(pageEventId(request, 'a'.repeat(24), { ...READER, uid: 'u-other' })).not.toBe(pageEventId(request, 'a'));
  });

  it('keeps one entry per call for pages without a query id, and per report without an archive part', () => {
    expect(pageEventId(cold(filter), 'a'.repeat(24))).not.toBe(pageEventId(cold(filter), 'b'.repeat(24)));
    expect(reportEventId(undefined, 'r'.repeat(16))).not.toBe(reportEventId(undefined, 's'.repeat(16)));
  });

  it('records the archive filter the server parsed, and the query id, in whichever request comes first', () => {
    const request = parseRecordAccess({
      tenantId: 'acme',
      kind: 'search',
      view: 'log_search',
      filters: { level: 'CRITICAL' },
      archive: { queryId: QUERY, request: { ...filter, keyword: 'deploy' } },
    });
    const report = consoleAccessEvent({
      reader: READER,
      tenantId: 'acme',
      request,
      readId: 'r'.repeat(16),
      occurredAt: OCCURRED,
    });
    expect(report.changes).toMatchObject({
      after: { queryId: QUERY, archive: { levels: ['CRITICAL'], keyword: ['deploy'] } },
    });
    const page = archiveSearchEvent({
      reader: READER,
      tenantId: 'acme',
      request: cold({ ...filter, keyword: 'deploy', queryId: QUERY }),
      returned: 3,
      more: false,
      readId: 'a'.repeat(24),
      occurredAt: OCCURRED,
    });
    expect(page.eventId).toBe(report.eventId);
    expect((page.changes as { after: Record<string, unknown> }).after).toMatchObject({ queryId: QUERY });
  });

  it('refuses a malformed query id or archive request with field-level errors', () => {
    const refused = (archive: unknown) => {
      try {
        parseRecordAccess({ tenantId: 'acme', kind: 'search', view: 'log_search', archive });
      } catch (err) {
        expect(err).toBeInstanceOf(CommandError);
        return (err as CommandError).errors.map((e) => e.path);
      }
      throw new Error('accepted');
    };
    expect(refused({ queryId: 'short', request: {} })).toEqual(['archive.queryId']);
    expect(refused({ queryId: QUERY, request: { levels: ['LOUD'] } })).toEqual(['archive.request.levels.0']);
    expect(refused({ queryId: QUERY, request: {}, extra: 1 })).toEqual(['archive']);
    expect(() => parseColdSearchRequest({ queryId: "q' OR 1=1 --------" })).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ path: 'queryId' })] }),
    );
  });
});

describe('a console search by e-mail, as recorded', () => {
  const blind = (email: string) => `pii:${email.length}`;

  it('names the address by its blind token in the filters and the archive request, never in clear', () => {
    const input = parseRecordAccess({
      tenantId: 'acme',
      kind: 'search',
      view: 'log_search',
      filters: { range: '120d', email: 'ada@example.com' },
      archive: { queryId: QUERY, request: { ...RANGE, actorEmail: 'Ada@Example.com' } },
    });
    const recorded = withAddressesAsTokens(input, blind);
    const event = consoleAccessEvent({
      reader: READER,
      tenantId: 'acme',
      request: recorded,
      readId: 'r'.repeat(16),
      occurredAt: OCCURRED,
    });
    expect(JSON.stringify(event)).not.toContain('ada@example.com');
    expect(JSON.stringify(event)).toContain('pii:15');
  });

  it('shares its entry with the archive pages, which record the address by the same token', () => {
    const request = { ...RANGE, actorEmail: 'ada@example.com', pageSize: 50 };
    const input = parseRecordAccess({
      tenantId: 'acme',
      kind: 'search',
      view: 'log_search',
      archive: { queryId: QUERY, request },
    });
    const report = consoleAccessEventId({
      reader: READER,
      tenantId: 'acme',
      request: withAddressesAsTokens(input, blind),
      readId: 'r'.repeat(16),
    });
    const page = cold({ ...request, queryId: QUERY });
    expect(pageEventId({ ...page, actorEmail: blind('ada@example.com') }, 'a'.repeat(24))).toBe(report);
  });
});
