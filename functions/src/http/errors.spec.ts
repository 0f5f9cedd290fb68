import { describe, expect, it } from 'vitest';
import { RejectionError } from '../domain';
import { API_ERROR_CODES, ApiError } from '../domain/api';
import { httpErrorResponse } from './errors';

describe('httpErrorResponse', () => {
  it('gives every API error code a 4xx or 5xx status', () => {
    for (const code of API_ERROR_CODES) {
      const { status } = httpErrorResponse(new ApiError(code, 'x'));
      expect(status >= 400 && status < 600, `${code} → ${status}`).toBe(true);
    }
  });

  it.each([
    ['missing_api_key', 401],
    ['invalid_api_key', 401],
    ['api_key_revoked', 403],
    ['tenant_mismatch', 403],
    ['invalid_json', 400],
    ['invalid_events', 400],
    ['payload_too_large', 413],
    ['rate_limited', 429],
    ['method_not_allowed', 405],
  ] as const)('maps %s to %i', (code, status) => {
    expect(httpErrorResponse(new ApiError(code, 'x')).status).toBe(status);
  });

  it('adds the headers a client needs to act: WWW-Authenticate, Retry-After, Allow', () => {
    expect(httpErrorResponse(new ApiError('invalid_api_key', 'x')).headers['WWW-Authenticate']).toMatch(/^Bearer /);
    expect(httpErrorResponse(new ApiError('rate_limited', 'x', { retryAfterSeconds: 7 })).headers['Retry-After']).toBe(
      '7',
    );
    expect(httpErrorResponse(new ApiError('method_not_allowed', 'x', { allow: ['GET', 'POST'] })).headers.Allow).toBe(
      'GET, POST',
    );
  });

  it('writes code, message, field errors and extra members into the body', () => {
    const err = new ApiError('invalid_events', 'every event is invalid', {
      errors: [{ path: 'events[0].actor', message: 'is required' }],
      extra: { accepted: 0, rejected: 1, results: [] },
    });
    expect(httpErrorResponse(err).body).toEqual({
      accepted: 0,
      rejected: 1,
      results: [],
      error: {
        code: 'invalid_events',
        message: 'every event is invalid',
        errors: [{ path: 'events[0].actor', message: 'is required' }],
      },
    });
  });

  it('maps a domain rejection by its reason', () => {
    const answer = httpErrorResponse(new RejectionError('schema_violation', 'bad', [{ path: 'a', message: 'b' }]));
    expect(answer).toMatchObject({ status: 400, body: { error: { code: 'schema_violation' } } });
  });

  it('answers an unexpected error with a 500 that reveals nothing', () => {
    const answer = httpErrorResponse(new Error('connection string with secrets'));
    expect(answer).toMatchObject({ status: 500, expected: false, body: { error: { code: 'internal' } } });
    expect(JSON.stringify(answer.body)).not.toContain('secrets');
  });
});
