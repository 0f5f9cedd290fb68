import { Injectable, inject } from '@angular/core';
import { Functions } from '@angular/fire/functions';
import type { CallableArgs, CallableName, CallableOutput } from '@audit-log/model/callables';
import { httpsCallable } from 'firebase/functions';

/** One problem with one field of a command's input, as the server reports it. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * A refused or failed command. `code` is the server's stable code (`two_person_rule`,
 * `invalid_argument`, ...) when it sent one, else the callable status (`permission-denied`).
 */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
  constructor(
    readonly code: string,
    message: string,
    readonly fields: readonly FieldProblem[] = [],
  ) {
    super(message);
  }

  static from(err: unknown): CommandFailure {
    if (err instanceof CommandFailure) return err;
    const e = err as { code?: unknown; message?: unknown; details?: { code?: unknown; errors?: unknown } } | null;
    const details = e?.details;
    const code =
      typeof details?.code === 'string'
        ? details.code
        : typeof e?.code === 'string'
          ? e.code.replace(/^functions\//, '')
          : 'unknown';
    const fields = Array.isArray(details?.errors)
      ? (details.errors as unknown[]).filter(
          (f): f is FieldProblem =>
            typeof (f as FieldProblem | null)?.path === 'string' && typeof (f as FieldProblem).message === 'string',
        )
      : [];
    const message = typeof e?.message === 'string' && e.message !== '' ? e.message : 'The command failed.';
    return new CommandFailure(code, message, fields);
  }
}

/**
 * The console's command channel: every change (review decisions, settings, replays) goes through
 * a callable function, never a direct Firestore write; the rules refuse those anyway. Typed by the
 * callable map (`@audit-log/model/callables`): a name the functions do not export, or a request of
 * the wrong shape, does not compile, and the answer has the type the function answers with.
 */
@Injectable({ providedIn: 'root' })
export class Commands {
  private readonly functions = inject(Functions);

  /** Calls callable `name`; a refusal or failure rejects with a {@link CommandFailure}. */
  async call<N extends CallableName>(name: N, ...[request]: CallableArgs<N>): Promise<CallableOutput<N>> {
    try {
      const result = await httpsCallable<CallableArgs<N>[0], CallableOutput<N>>(this.functions, name)(request ?? {});
      return result.data;
    } catch (err) {
      throw CommandFailure.from(err);
    }
  }
}

/** A one-line description of a failure, with its field problems. */
export function describeFailure(err: unknown): string {
  const failure = CommandFailure.from(err);
  const fields = failure.fields.map((f) => `${f.path || 'input'}: ${f.message}`).join('; ');
  return fields ? `${failure.message} (${fields})` : failure.message;
}
