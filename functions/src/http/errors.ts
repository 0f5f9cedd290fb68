import { clientFailureOf, type FieldError } from '../domain';

/**
 * The one place where thrown values become answers of the `api` function. Statuses come from the
 * failure table (`domain/failure.ts`); this adds what HTTP clients need on top: the headers to
 * act on and the JSON body every error answer of the API has.
 */

/** The JSON body of every error answer: `{"error": {code, message, errors}}` plus any extra members. */
export interface ErrorBody {
  error: { code: string; message: string; errors: readonly FieldError[] };
  [member: string]: unknown;
}

export interface HttpErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
  /** False for errors nobody anticipated: the caller logs those with their stack. */
  expected: boolean;
}

/** Maps any thrown value to the HTTP answer. Unknown errors become a 500 that reveals nothing. */
export function httpErrorResponse(err: unknown): HttpErrorResponse {
  const failure = clientFailureOf(err);
  if (failure === undefined) {
    return {
      status: 500,
      headers: {},
      body: { error: { code: 'internal', message: 'internal error; the request may be retried', errors: [] } },
      expected: false,
    };
  }
  const { status } = failure.route;
  const { retryAfterSeconds, allow, extra } = failure.details;
  const headers: Record<string, string> = {};
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="audit-api"';
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  if (allow) headers.Allow = allow.join(', ');
  const body: ErrorBody = { ...extra, error: { code: failure.code, message: failure.message, errors: failure.errors } };
  return { status, headers, body, expected: true };
}
