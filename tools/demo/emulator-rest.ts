/**
 * The two REST calls a browser app makes that the Admin SDK cannot: signing in with a password
 * (Auth emulator) and calling a callable function with the resulting ID token.
 */

export const PROJECT_ID = 'demo-auditlog';
export const FUNCTIONS_URL = `http://127.0.0.1:5001/${PROJECT_ID}/us-central1`;

/** Fails fast, with the fix, when run without the emulators. */
export function requireEmulatorEnv(...names: string[]): void {
  const missing = names.filter((n) => !process.env[`${n}_EMULATOR_HOST`]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.map((n) => `${n}_EMULATOR_HOST`).join(', ')} not set: run through npm start or ` +
        'node tools/emulators/exec.mjs "<command>"',
    );
  }
}

export type SignInResult = { ok: true; idToken: string; uid: string } | { ok: false; code: string };

/** Password sign-in through the Auth emulator, as the web SDK does it (runs the blocking functions). */
export async function signInWithPassword(email: string, password: string, ip?: string): Promise<SignInResult> {
  const host = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  const url = `http://${host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-api-key`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (ip) headers['x-forwarded-for'] = ip;
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ email, password, returnSecureToken: true }),
  });
  const body = (await response.json()) as { idToken?: string; localId?: string; error?: { message?: string } };
  if (response.ok && body.idToken && body.localId) return { ok: true, idToken: body.idToken, uid: body.localId };
  return { ok: false, code: body.error?.message ?? `HTTP ${response.status}` };
}

/** Calls a callable function with an ID token; returns `result` or throws with the callable error. */
export async function callCallable<T>(name: string, data: unknown, idToken: string): Promise<T> {
  const response = await fetch(`${FUNCTIONS_URL}/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${idToken}` },
    body: JSON.stringify({ data }),
  });
  const text = await response.text();
  let body: { result?: T; error?: { status?: string; message?: string } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // A non-JSON answer (the function is missing, for one) is reported with its text below.
  }
  if (response.ok && body.result !== undefined) return body.result;
  const detail = body.error ? `${body.error.status}: ${body.error.message}` : text.slice(0, 200);
  throw new Error(`callable ${name} answered ${response.status} (${detail})`);
}
