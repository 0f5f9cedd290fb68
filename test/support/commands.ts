import { REVIEW_RECORD_FIELDS } from '@audit-log/model/review';
import type { Firestore } from 'firebase-admin/firestore';
import { callCallable, signInWithClaims } from './api-client';

// Helpers of the review, alert, settings and operator suites: console users with claims (and a
// member directory entry, which is where alert recipients come from), and callables that return
// their result or the error the console would see.

export interface User {
  uid: string;
  email: string;
  idToken: string;
}

/** A signed-in user of a tenant with a role; listed in the tenant's member directory too. */
export async function tenantUser(db: Firestore, tenantId: string, role: string, directory = true): Promise<User> {
  const user = await signInWithClaims({ tenantId, role });
  if (directory) {
    await db.doc(`tenants/${tenantId}/members/${user.uid}`).set({ uid: user.uid, email: user.email, role });
  }
  return user;
}

export interface CallableFailure {
  /** The callable status, e.g. `PERMISSION_DENIED`. */
  status: string;
  /** The stable command error code from `details.code`. */
  code?: string;
  message: string;
  errors?: Array<{ path: string; message: string }>;
}

export type CallOutcome<T> = { ok: true; result: T } | { ok: false; error: CallableFailure };

/** Calls a callable over HTTP like the client SDK does. */
export async function call<T = Record<string, unknown>>(
  name: string,
  data: unknown,
  idToken?: string,
): Promise<CallOutcome<T>> {
  const answer = await callCallable(name, data, idToken);
  if (answer.status === 200 && 'result' in answer.body) return { ok: true, result: answer.body.result as T };
  const error = (answer.body.error ?? {}) as {
    status?: string;
    message?: string;
    details?: { code?: string; errors?: CallableFailure['errors'] };
  };
  return {
    ok: false,
    error: {
      status: error.status ?? `HTTP ${answer.status}`,
      message: error.message ?? JSON.stringify(answer.body),
      ...(error.details?.code ? { code: error.details.code } : {}),
      ...(error.details?.errors ? { errors: error.details.errors } : {}),
    },
  };
}

/** Calls a callable that must succeed; throws with the error otherwise. */
export async function ok<T = Record<string, unknown>>(name: string, data: unknown, idToken: string): Promise<T> {
  const outcome = await call<T>(name, data, idToken);
  if (!outcome.ok) throw new Error(`${name} failed: ${JSON.stringify(outcome.error)}`);
  return outcome.result;
}

/** Calls a callable that must fail; returns the failure. */
export async function fails(name: string, data: unknown, idToken?: string): Promise<CallableFailure> {
  const outcome = await call(name, data, idToken);
  if (outcome.ok) throw new Error(`${name} unexpectedly succeeded: ${JSON.stringify(outcome.result)}`);
  return outcome.error;
}

/** The review fields of a stored entry, as the tests read them. */
export interface StoredReview {
  version: number;
  assignee?: { uid: string; email?: string };
  dueAt?: unknown;
  decisions: Array<{ action: string; by: { uid: string; email?: string } | null; note: string; status: string }>;
  awaitingConfirmation?: { by: { uid: string } };
  overdueEscalatedAt?: unknown;
}

/** An audit entry's data with its review state (from `audit_reviews`) typed. */
export type StoredEntry = Record<string, unknown> & { reviewStatus: string; review: StoredReview };

/** The review state of an entry: `audit_reviews/{logId}`, or none when it has no review doc. */
export async function readReview(
  db: Firestore,
  logId: string,
): Promise<{ reviewStatus: string; review: StoredReview }> {
  const data = (await db.collection('audit_reviews').doc(logId).get()).data();
  if (!data) return { reviewStatus: 'none', review: { version: 0, decisions: [] } };
  const review = Object.fromEntries(REVIEW_RECORD_FIELDS.filter((k) => data[k] !== undefined).map((k) => [k, data[k]]));
  return { reviewStatus: data.status as string, review: review as unknown as StoredReview };
}

/**
 * An entry's stored data joined with its review state. The entry document itself never holds
 * review state (entries are never updated); `reviewStatus` and `review` here come from its review
 * doc, so the review suites read the state where the console and the API read it.
 */
export async function readEntry(db: Firestore, logId: string): Promise<StoredEntry> {
  const snap = await db.collection('audit_logs').doc(logId).get();
  if (!snap.exists) throw new Error(`no audit entry ${logId}`);
  const data = snap.data()!;
  if ('reviewStatus' in data || 'review' in data) throw new Error(`audit_logs/${logId} carries review state`);
  return { ...data, ...(await readReview(db, logId)) };
}
