import { HttpsError } from 'firebase-functions/v2/https';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditFailure, FAILURE_CODES, FAILURE_ROUTES, RejectionError } from '../domain';
import { ApiError } from '../domain/api';
import { ArchiveError } from '../domain/archive';
import { CommandError } from '../domain/commands';
import { ExportError } from '../domain/export';
import { callableError, runCallable } from './callable';
import { commandFailed } from './logs';

// The log module writes through the Functions logger; the spec only asks whether it was called.
vi.mock('./logs', () => ({ commandFailed: vi.fn() }));

describe('callableError', () => {
  it('maps every code to the callable code of the table, with the stable code in details', () => {
    for (const code of FAILURE_CODES) {
      const err = callableError(new AuditFailure(code, `message of ${code}`));
      expect(err, code).toBeInstanceOf(HttpsError);
      expect(err.code, code).toBe(FAILURE_ROUTES[code].callable);
      expect(err.message).toBe(`message of ${code}`);
      expect(err.details).toEqual({ code, errors: [] });
    }
  });

  it.each([
    [new ApiError('api_key_not_found', 'no such key'), 'not-found'],
    [new ArchiveError('verification_failed', 'bad file'), 'data-loss'],
    [new CommandError('already_replayed', 'done'), 'already-exists'],
    [new ExportError('canceled', 'stopped'), 'cancelled'],
  ] as const)('maps the family error %s to %s', (failure, callable) => {
    expect(callableError(failure)).toMatchObject({ code: callable, message: failure.message });
  });

  it('carries field errors in details.errors', () => {
    const errors = [{ path: 'reviewerUid', message: 'is not a user' }];
    const err = callableError(new CommandError('invalid_assignee', 'no such user', errors));
    expect(err.details).toEqual({ code: 'invalid_assignee', errors });
  });

  it('maps an ingest rejection to invalid-argument with its reason as the code', () => {
    const errors = [{ path: 'actor', message: 'is required' }];
    const err = callableError(new RejectionError('schema_violation', 'bad envelope', errors));
    expect(err).toMatchObject({ code: 'invalid-argument', message: 'bad envelope' });
    expect(err.details).toEqual({ code: 'schema_violation', errors });
  });

  it('passes an HttpsError through untouched', () => {
    const original = new HttpsError('unauthenticated', 'sign in again', { code: 'unauthenticated' });
    expect(callableError(original)).toBe(original);
  });

  it.each([
    ['an Error', new Error('connection string with secrets')],
    ['a string', 'secrets in a string'],
    ['a look-alike object', { code: 'not_found', message: 'secrets in an object' }],
  ])('turns %s into a bare internal error that leaks nothing', (_what, thrown) => {
    const err = callableError(thrown);
    expect(err).toMatchObject({ code: 'internal', message: 'internal error' });
    expect(err.details).toBeUndefined();
    expect(JSON.stringify(err.toJSON())).not.toContain('secrets');
  });
});

describe('runCallable', () => {
  beforeEach(() => vi.mocked(commandFailed).mockClear());

  it('returns what the body returns', async () => {
    await expect(runCallable('startExport', () => Promise.resolve({ exportId: 'e1' }))).resolves.toEqual({
      exportId: 'e1',
    });
  });

  it('throws the mapped callable error of an expected failure without logging it', async () => {
    const run = runCallable('decideReview', () => Promise.reject(new CommandError('review_closed', 'closed')));
    await expect(run).rejects.toMatchObject({ code: 'failed-precondition', details: { code: 'review_closed' } });
    expect(commandFailed).not.toHaveBeenCalled();
  });

  it('does not log an HttpsError either: it was thrown on purpose', async () => {
    const run = runCallable('runTiering', () => Promise.reject(new HttpsError('unavailable', 'retry')));
    await expect(run).rejects.toMatchObject({ code: 'unavailable' });
    expect(commandFailed).not.toHaveBeenCalled();
  });

  it('logs an unexpected error with the callable name, then answers internal', async () => {
    const boom = new Error('disk full at /secret/path');
    const run = runCallable('createApiKey', () => Promise.reject(boom));
    await expect(run).rejects.toMatchObject({ code: 'internal', message: 'internal error' });
    expect(commandFailed).toHaveBeenCalledWith('createApiKey', boom);
  });

  it('catches errors a body throws before its first await', async () => {
    const run = runCallable('getTenantSettings', () => {
      throw new CommandError('unauthenticated', 'sign in');
    });
    await expect(run).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});
