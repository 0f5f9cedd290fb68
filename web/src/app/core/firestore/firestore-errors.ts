/**
 * Turns Firestore failures into messages a console user can act on. A denied or unindexed query
 * must never look like an empty result.
 */
export interface ConsoleError {
  readonly code: 'permission-denied' | 'missing-index' | 'unavailable' | 'unauthenticated' | 'not-found' | 'unknown';
  readonly title: string;
  readonly message: string;
  /** For a missing index: the console link Firestore includes in its error. */
  readonly link?: string;
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code.replace(/^firestore\//, '') : '';
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : '';
}

/** Classifies an error thrown by the Firestore SDK (or anything else) for display. */
export function describeFirestoreError(err: unknown): ConsoleError {
  const code = codeOf(err);
  const text = messageOf(err);
  if (code === 'permission-denied') {
    return {
      code: 'permission-denied',
      title: 'Access denied',
      message:
        'Firestore refused this request: your account may only read audit entries of its own tenant, ' +
        'and only with the admin, auditor, reviewer or compliance role.',
    };
  }
  if (code === 'failed-precondition' && /index/i.test(text)) {
    const link = /https?:\/\/\S+/.exec(text)?.[0];
    return {
      code: 'missing-index',
      title: 'Index missing',
      message:
        'Firestore needs a composite index for this filter combination that is not deployed yet. ' +
        'Deploy firestore.indexes.json (firebase deploy --only firestore:indexes) or change the filters.',
      ...(link ? { link } : {}),
    };
  }
  if (code === 'unauthenticated') {
    return { code: 'unauthenticated', title: 'Signed out', message: 'Your session ended. Sign in again.' };
  }
  if (code === 'unavailable' || code === 'deadline-exceeded') {
    return {
      code: 'unavailable',
      title: 'Firestore unreachable',
      message:
        'The database did not answer. Check that the Firestore emulator (127.0.0.1:8080) is running, then retry.',
    };
  }
  if (code === 'not-found') {
    return { code: 'not-found', title: 'Not found', message: 'This entry does not exist.' };
  }
  return {
    code: 'unknown',
    title: 'Something went wrong',
    message: text || 'An unexpected error occurred while reading the audit log.',
  };
}

/** The message to show for a listener's error (`LiveQuery.error`), or null while there is none. */
export function firestoreErrorMessage(err: unknown): string | null {
  return err === null ? null : describeFirestoreError(err).message;
}
