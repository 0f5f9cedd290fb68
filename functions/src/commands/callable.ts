import { HttpsError, type CallableRequest, type FunctionsErrorCode } from 'firebase-functions/v2/https';
import { REGION } from '../config';
import { CommandError, callerOf, type Caller, type CommandErrorCode } from '../domain/commands';
import { commandFailed } from './logs';

/**
 * The one place where the console commands' typed errors become callable error codes. The
 * stable code travels in `details.code` and field errors in `details.errors`, so the console
 * can show a message per field; anything unexpected becomes `internal` and reveals nothing.
 */
const CALLABLE_CODE: Readonly<Record<CommandErrorCode, FunctionsErrorCode>> = {
  unauthenticated: 'unauthenticated',
  permission_denied: 'permission-denied',
  invalid_argument: 'invalid-argument',
  tenant_not_found: 'failed-precondition',
  not_found: 'not-found',
  not_reviewable: 'failed-precondition',
  review_closed: 'failed-precondition',
  invalid_transition: 'failed-precondition',
  not_assignee: 'permission-denied',
  invalid_assignee: 'invalid-argument',
  awaiting_confirmation: 'failed-precondition',
  nothing_to_confirm: 'failed-precondition',
  two_person_rule: 'permission-denied',
  review_history_full: 'resource-exhausted',
  payload_truncated: 'failed-precondition',
  already_replayed: 'already-exists',
  unavailable: 'unavailable',
  self_review: 'permission-denied',
};

export function commandCallableError(err: unknown): HttpsError {
  if (err instanceof HttpsError) return err;
  if (err instanceof CommandError) {
    return new HttpsError(CALLABLE_CODE[err.code], err.message, { code: err.code, errors: err.errors });
  }
  return new HttpsError('internal', 'internal error');
}

/** The caller of a callable, from its verified ID token. */
export function requestCaller(request: CallableRequest): Caller {
  return callerOf(request.auth ? { uid: request.auth.uid, token: request.auth.token } : undefined);
}

/** Runs a command body; every error leaves through {@link commandCallableError}. */
export async function runCommand<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof CommandError) && !(err instanceof HttpsError)) commandFailed(name, err);
    throw commandCallableError(err);
  }
}

/** Options shared by the command callables. */
export const COMMAND_OPTIONS = { region: REGION, memory: '256MiB', timeoutSeconds: 60 } as const;
