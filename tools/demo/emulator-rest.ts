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

/** Polls `probe` until `done` accepts its value or the deadline passes (then throws). */
export async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs, intervalMs }: { timeoutMs: number; intervalMs: number },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * A password sign-in that rides out the Functions emulator starting the blocking functions'
 * worker under load (`BLOCKING_FUNCTION_ERROR_RESPONSE … ECONNRESET`): tried again until a
 * deadline; a refused password fails at once.
 */
export async function signIn(email: string, password: string, ip?: string): Promise<{ idToken: string }> {
  let last = '';
  const result = await until(
    `a sign-in of ${email}`,
    async (): Promise<SignInResult | null> => {
      try {
        const r = await signInWithPassword(email, password, ip);
        if (!r.ok) last = r.code;
        return r;
      } catch (err) {
        // The Auth emulator dropped the connection (it does under load): try again.
        last = err instanceof Error ? err.message : String(err);
        return null;
      }
    },
    (r) => r !== null && (r.ok || !r.code.startsWith('BLOCKING_FUNCTION_ERROR')),
    { timeoutMs: 300_000, intervalMs: 2_000 },
  ).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)} (last: ${last})`);
  });
  if (!result?.ok) throw new Error(`${email} cannot sign in: ${result?.ok === false ? result.code : last}`);
  return result;
}
