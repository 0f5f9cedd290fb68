import { HttpsError, type FunctionsErrorCode } from 'firebase-functions/v2/https';
import { ExportError, type ExportErrorCode } from '../domain/export';

/** The one translation of typed export errors to callable error codes and HTTP statuses. */
const CALLABLE_CODE: Readonly<Record<ExportErrorCode, FunctionsErrorCode>> = {
  unauthenticated: 'unauthenticated',
  permission_denied: 'permission-denied',
  invalid_argument: 'invalid-argument',
  unsupported_filter_combination: 'invalid-argument',
  not_found: 'not-found',
  failed_precondition: 'failed-precondition',
  link_expired: 'permission-denied',
  font_unavailable: 'failed-precondition',
  canceled: 'cancelled',
};

const HTTP_STATUS: Readonly<Record<ExportErrorCode, number>> = {
  unauthenticated: 401,
  permission_denied: 403,
  invalid_argument: 400,
  unsupported_filter_combination: 400,
  not_found: 404,
  failed_precondition: 409,
  link_expired: 410,
  font_unavailable: 500,
  canceled: 409,
};

/** A callable error with the stable code and field errors in `details`. */
export function exportCallableError(err: unknown): HttpsError {
  if (err instanceof HttpsError) return err;
  if (err instanceof ExportError) {
    return new HttpsError(CALLABLE_CODE[err.code], err.message, { code: err.code, errors: err.errors });
  }
  return new HttpsError('internal', 'internal error');
}

/** Status and JSON body of an HTTP error answer. */
export function exportHttpError(err: unknown): { status: number; body: Record<string, unknown> } {
  if (err instanceof ExportError) {
    return { status: HTTP_STATUS[err.code], body: { error: { code: err.code, message: err.message } } };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
}

/** Runs a callable body, translating typed errors. */
export async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw exportCallableError(err);
  }
}
