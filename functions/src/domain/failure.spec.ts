import { StoredDocumentError } from '@audit-log/model/stored-document';
import { describe, expect, it } from 'vitest';
import { API_ERROR_CODES, ApiError, assertApi } from './api';
import { ARCHIVE_ERROR_CODES, ArchiveError, assertArchive } from './archive';
import { CaptureConfigError } from './capture-config';
import { COMMAND_ERROR_CODES, CommandError, assertCommand } from './commands';
import { RejectionError } from './errors';
import { EXPORT_ERROR_CODES, ExportError, assertExport } from './export';
import {
  AuditFailure,
  FAILURE_CODES,
  FAILURE_ROUTES,
  clientFailureOf,
  type CallableCode,
  type FailureCode,
} from './failure';

const CALLABLE_CODES: readonly CallableCode[] = [
  'cancelled',
  'unknown',
  'invalid-argument',
  'deadline-exceeded',
  'not-found',
  'already-exists',
  'permission-denied',
  'resource-exhausted',
  'failed-precondition',
  'aborted',
  'out-of-range',
  'unimplemented',
  'internal',
  'unavailable',
  'data-loss',
  'unauthenticated',
];

// What clients already see, pinned: the emulator suites and the console branch on these, so the
// table may grow but these rows never change. Codes of the `api` and download endpoints carry an
// HTTP status; the rest are only ever raised by callables.
const PUBLISHED_WITH_STATUS: ReadonlyArray<readonly [FailureCode, CallableCode, number]> = [
  ['api_key_not_found', 'not-found', 404],
  ['api_key_revoked', 'permission-denied', 403],
  ['canceled', 'cancelled', 409],
  ['failed_precondition', 'failed-precondition', 409],
  ['font_unavailable', 'failed-precondition', 500],
  ['insufficient_scope', 'permission-denied', 403],
  ['invalid_api_key', 'unauthenticated', 401],
  ['invalid_argument', 'invalid-argument', 400],
  ['invalid_body', 'invalid-argument', 400],
  ['invalid_cursor', 'invalid-argument', 400],
  ['invalid_events', 'invalid-argument', 400],
  ['invalid_json', 'invalid-argument', 400],
  ['link_expired', 'permission-denied', 410],
  ['method_not_allowed', 'unimplemented', 405],
  ['missing_api_key', 'unauthenticated', 401],
  ['not_found', 'not-found', 404],
  ['payload_too_large', 'invalid-argument', 413],
  ['permission_denied', 'permission-denied', 403],
  ['rate_limited', 'resource-exhausted', 429],
  ['tenant_mismatch', 'permission-denied', 403],
  ['tenant_not_found', 'failed-precondition', 404],
  ['unauthenticated', 'unauthenticated', 401],
  ['unavailable', 'unavailable', 503],
  ['unsupported_filter_combination', 'invalid-argument', 400],
];
const PUBLISHED_CALLABLE_ONLY: ReadonlyArray<readonly [FailureCode, CallableCode]> = [
  ['already_replayed', 'already-exists'],
  ['awaiting_confirmation', 'failed-precondition'],
  ['invalid_assignee', 'invalid-argument'],
  ['invalid_transition', 'failed-precondition'],
  ['lease_held', 'aborted'],
  ['not_assignee', 'permission-denied'],
  ['not_reviewable', 'failed-precondition'],
  ['nothing_to_confirm', 'failed-precondition'],
  ['payload_truncated', 'failed-precondition'],
  ['restore_conflict', 'failed-precondition'],
  ['review_closed', 'failed-precondition'],
  ['review_history_full', 'resource-exhausted'],
  ['self_review', 'permission-denied'],
  ['two_person_rule', 'permission-denied'],
  ['unarchivable_entry', 'failed-precondition'],
  ['verification_failed', 'data-loss'],
];

describe('FAILURE_ROUTES', () => {
  it('gives every code a callable code other than internal and an error status', () => {
    for (const code of FAILURE_CODES) {
      const { callable, status } = FAILURE_ROUTES[code];
      expect(CALLABLE_CODES, code).toContain(callable);
      expect(callable, code).not.toBe('internal');
      expect(status >= 400 && status < 600, `${code} → ${status}`).toBe(true);
    }
  });

  it('holds exactly the codes the families throw, so no family has a code without a route', () => {
    const thrown = new Set<string>([
      ...API_ERROR_CODES,
      ...ARCHIVE_ERROR_CODES,
      ...COMMAND_ERROR_CODES,
      ...EXPORT_ERROR_CODES,
      new CaptureConfigError([]).code,
      new StoredDocumentError('x/y', []).code,
    ]);
    expect([...thrown].sort()).toEqual([...FAILURE_CODES].sort());
  });

  it.each(PUBLISHED_WITH_STATUS)('keeps %s → %s, HTTP %i', (code, callable, status) => {
    expect(FAILURE_ROUTES[code]).toEqual({ callable, status });
  });

  it.each(PUBLISHED_CALLABLE_ONLY)('keeps %s → %s', (code, callable) => {
    expect(FAILURE_ROUTES[code].callable).toBe(callable);
  });
});

describe('AuditFailure and its families', () => {
  it.each([
    ['ApiError', new ApiError('rate_limited', 'slow down', { retryAfterSeconds: 3 })],
    ['ArchiveError', new ArchiveError('lease_held', 'busy')],
    ['CommandError', new CommandError('review_closed', 'closed')],
    ['ExportError', new ExportError('link_expired', 'gone')],
    ['CaptureConfigError', new CaptureConfigError([{ path: '0.name', message: 'is used twice' }])],
  ] as const)('%s is an AuditFailure with its own name', (name, failure) => {
    expect(failure).toBeInstanceOf(AuditFailure);
    expect(failure).toBeInstanceOf(Error);
    expect(failure.name).toBe(name);
  });

  it('keeps the families apart for callers that handle one family only', () => {
    expect(new ExportError('not_found', 'x')).not.toBeInstanceOf(CommandError);
    expect(new ArchiveError('not_found', 'x')).not.toBeInstanceOf(ExportError);
  });

  it('takes field errors alone or inside details', () => {
    const errors = [{ path: 'date', message: 'must be YYYY-MM-DD' }];
    expect(new ArchiveError('invalid_argument', 'bad', errors).errors).toEqual(errors);
    expect(new ApiError('invalid_argument', 'bad', { errors }).errors).toEqual(errors);
    expect(new ApiError('invalid_argument', 'bad', { errors }).details).toEqual({ errors });
    expect(new CommandError('invalid_argument', 'bad').errors).toEqual([]);
  });

  it('keeps the capture configuration message that names every problem', () => {
    const failure = new CaptureConfigError([{ path: '0.document', message: 'is watched twice' }]);
    expect(failure.code).toBe('capture_config_invalid');
    expect(failure.message).toBe('invalid change-capture configuration: 0.document: is watched twice');
  });

  it.each([
    ['assertApi', (holds: boolean) => assertApi(holds, 'not_found', 'no'), ApiError],
    ['assertArchive', (holds: boolean) => assertArchive(holds, 'not_found', 'no'), ArchiveError],
    ['assertCommand', (holds: boolean) => assertCommand(holds, 'not_found', 'no'), CommandError],
    ['assertExport', (holds: boolean) => assertExport(holds, 'not_found', 'no'), ExportError],
  ] as const)('%s throws its family only when the condition fails', (_name, check, Family) => {
    expect(() => check(false)).toThrow(Family);
    expect(() => check(true)).not.toThrow();
  });
});

describe('clientFailureOf', () => {
  it('routes a failure by its code, with message, field errors and details', () => {
    const errors = [{ path: 'tenantId', message: 'is required' }];
    expect(clientFailureOf(new CommandError('invalid_argument', 'name the tenant', errors))).toEqual({
      code: 'invalid_argument',
      message: 'name the tenant',
      errors,
      details: { errors },
      route: { callable: 'invalid-argument', status: 400 },
    });
  });

  it('routes an ingest rejection as invalid input, 413 for size and 400 otherwise', () => {
    const tooLarge = clientFailureOf(new RejectionError('payload_too_large', 'big'));
    expect(tooLarge).toMatchObject({ code: 'payload_too_large', route: { callable: 'invalid-argument', status: 413 } });
    // A rejection's rate_limited is a permanent 400, unlike the API's own rate_limited (429).
    const limited = clientFailureOf(new RejectionError('rate_limited', 'too many'));
    expect(limited).toMatchObject({ code: 'rate_limited', route: { callable: 'invalid-argument', status: 400 } });
  });

  it('routes a malformed stored document as data loss, naming the document and its fields', () => {
    const errors = [{ path: 'format', message: 'must be one of "csv", is "xml"' }];
    expect(clientFailureOf(new StoredDocumentError('audit_exports/e1', errors))).toEqual({
      code: 'malformed_document',
      message: 'malformed document audit_exports/e1: format: must be one of "csv", is "xml"',
      errors,
      details: { errors },
      route: { callable: 'data-loss', status: 500 },
    });
  });

  it('answers nothing for errors nobody anticipated', () => {
    expect(clientFailureOf(new Error('db password is hunter2'))).toBeUndefined();
    expect(clientFailureOf('a string')).toBeUndefined();
    expect(clientFailureOf({ code: 'not_found', message: 'looks typed but is not' })).toBeUndefined();
  });
});
