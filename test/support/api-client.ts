import { randomBytes } from 'node:crypto';
import { getAuth } from 'firebase-admin/auth';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import { generateApiKey } from '../../functions/src/domain/api';
import { adminApp, PROJECT_ID, requireEmulators } from './emulators';

// Helpers of the HTTP API suites: raw fetch calls against the functions emulator, callables with
// ID tokens from the Auth emulator. Nothing here knows the implementation; it speaks the wire.

export const FUNCTIONS_BASE = `http://127.0.0.1:5001/${PROJECT_ID}/us-central1`;
export const EVENTS_URL = `${FUNCTIONS_BASE}/api/v1/events`;

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or `{ text }` when the answer is not JSON. */
  body: T;
}

async function answerOf<T>(response: Response): Promise<HttpAnswer<T>> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = { text };
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

/** `POST /v1/events` with a JSON value, or a string sent as it is. */
export async function postEvents(
  key: string | undefined,
  body: unknown,
  {
    contentType = 'application/json',
    headers = {},
  }: { contentType?: string | null; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const all: Record<string, string> = { ...headers };
  if (contentType) all['Content-Type'] = contentType;
  if (key !== undefined) all.Authorization = `Bearer ${key}`;
  return answerOf(await fetch(EVENTS_URL, { method: 'POST', headers: all, body: raw }));
}

/** `GET /v1/events` with query parameters. */
export async function getEvents(key: string, params: Record<string, string> = {}): Promise<HttpAnswer> {
  const url = `${EVENTS_URL}?${new URLSearchParams(params).toString()}`;
  return answerOf(await fetch(url, { headers: { Authorization: `Bearer ${key}` } }));
}

/** Any request to the `api` function, by path below it. */
export async function apiRequest(path: string, init: RequestInit = {}): Promise<HttpAnswer> {
  return answerOf(await fetch(`${FUNCTIONS_BASE}/api${path}`, init));
}

/** Calls a callable function the way the client SDK does; `{result}` or `{error}` comes back. */
export async function callCallable(name: string, data: unknown, idToken?: string): Promise<HttpAnswer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (idToken) headers.Authorization = `Bearer ${idToken}`;
  return answerOf(
    await fetch(`${FUNCTIONS_BASE}/${name}`, { method: 'POST', headers, body: JSON.stringify({ data }) }),
  );
}

/**
 * Creates a user with custom claims in the Auth emulator and returns a fresh ID token that
 * carries those claims (signed in through the emulator's REST API).
 */
export async function signInWithClaims(
  claims: Record<string, unknown>,
): Promise<{ uid: string; email: string; idToken: string }> {
  requireEmulators('FIREBASE_AUTH');
  const email = `u-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'secret-pass-1';
  const auth = getAuth(adminApp());
  const user = await auth.createUser({ email, password });
  await auth.setCustomUserClaims(user.uid, claims);
  const response = await fetch(
    `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-key`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
  );
  const body = (await response.json()) as { idToken?: string };
  if (!body.idToken) throw new Error(`sign-in failed: ${JSON.stringify(body)}`);
  return { uid: user.uid, email, idToken: body.idToken };
}

/** Creates an API key through the real callable as a tenant admin; returns the plaintext key. */
export async function createKey(idToken: string, name = 'test key'): Promise<{ key: string; keyId: string }> {
  const answer = await callCallable('createApiKey', { name }, idToken);
  const result = answer.body.result as { key?: string; keyId?: string } | undefined;
  if (answer.status !== 200 || !result?.key || !result.keyId) {
    throw new Error(`createApiKey failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return { key: result.key, keyId: result.keyId };
}

/**
 * Seeds an active key straight into `tenants/{t}/api_keys/{keyId}` with the Admin SDK, for suites
 * whose tenant must hold nothing but their own entries (the callable audits the creation, and
 * signing in through Auth produces auth.* entries).
 */
export async function seedKey(db: Firestore, tenantId: string, scopes?: readonly string[]): Promise<string> {
  const key = generateApiKey(tenantId, (size) => randomBytes(size));
  await db.doc(`tenants/${tenantId}/api_keys/${key.keyId}`).set({
    keyId: key.keyId,
    tenantId,
    name: 'seeded',
    hash: key.hash,
    displayPrefix: key.displayPrefix,
    status: 'active',
    createdAt: Timestamp.now(),
    createdBy: 'test-seed',
    // Without scopes the key is one created before scopes existed: it may ingest and read.
    ...(scopes ? { scopes } : {}),
  });
  return key.key;
}
