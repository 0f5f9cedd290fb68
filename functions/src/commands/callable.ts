import type { CallableName, CallableOutput } from '@audit-log/model/callables';
import { HttpsError, type CallableRequest } from 'firebase-functions/v2/https';
import { REGION } from '../config';
import { clientFailureOf } from '../domain';
import { callerOf, type Caller } from '../domain/commands';
import { commandFailed } from './logs';

/**
 * The one place where thrown values become callable errors, for every callable of the project.
 * The callable code comes from the failure table (`domain/failure.ts`); the stable code travels in
 * `details.code` and field errors in `details.errors`, so the console can show a message per
 * field. Anything unexpected becomes `internal` and reveals nothing.
 */
export function callableError(err: unknown): HttpsError {
  if (err instanceof HttpsError) return err;
  const failure = clientFailureOf(err);
  if (failure === undefined) return new HttpsError('internal', 'internal error');
  return new HttpsError(failure.route.callable, failure.message, { code: failure.code, errors: failure.errors });
}

/** The caller of a callable, from its verified ID token. */
export function requestCaller(request: CallableRequest): Caller {
  return callerOf(request.auth ? { uid: request.auth.uid, token: request.auth.token } : undefined);
}

/**
 * Runs the body of callable `name`; every error leaves through {@link callableError}. Unexpected
 * errors are logged with their stack first, because the client only ever sees `internal`. The
 * body must answer what the callable map (`@audit-log/model/callables`) says `name` answers, so a
 * handler answering another shape does not compile.
 */
export async function runCallable<N extends CallableName>(
  name: N,
  work: () => Promise<CallableOutput<N>>,
): Promise<CallableOutput<N>> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof HttpsError) && clientFailureOf(err) === undefined) commandFailed(name, err);
    throw callableError(err);
  }
}

/** Options shared by the command callables. */
export const COMMAND_OPTIONS = { region: REGION, memory: '256MiB', timeoutSeconds: 60 } as const;
