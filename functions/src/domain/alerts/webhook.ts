import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { BLOCKED_DESTINATION, webhookUrlProblem } from './destination';

/** Header with the body's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-audit-signature';
/** Header with the delivery id; the same on every retry, so receivers can drop repeats. */
export const WEBHOOK_DELIVERY_HEADER = 'x-audit-delivery';
/** Signatures older than this are refused by {@link verifyWebhookSignature} (replay protection). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * A webhook endpoint as the settings accept it: HTTPS to a public host, or plain HTTP on the
 * loopback interface (local development). Loopback is refused outside the emulators by the
 * settings command and by every delivery, which also checks the addresses the name resolves to.
 */
export const webhookUrlSchema = z
  .url('must be an absolute URL')
  .max(2048, 'must be at most 2048 characters')
  .superRefine((value, ctx) => {
    const problem = webhookUrlProblem(value, { allowLoopback: true });
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Per-tenant setting `tenants/{tenantId}.webhook`; the signing secret is stored apart from it. */
export const webhookSettingsSchema = z
  .strictObject({
    enabled: z.boolean('must be true or false').default(false),
    url: webhookUrlSchema.optional(),
  })
  .refine((w) => !w.enabled || w.url !== undefined, {
    message: 'is required when the webhook is enabled',
    path: ['url'],
  });
export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;

/** A new signing secret from random bytes (the caller supplies them; the domain has no entropy). */
export function webhookSecretFrom(bytes: Uint8Array): string {
  if (bytes.byteLength < 32) throw new Error('a webhook secret needs at least 32 random bytes');
  return `whsec_${Buffer.from(bytes).toString('base64url')}`;
}

function mac(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
}

/** The signature header value of a body sent at `timestampSeconds`. */
export function signWebhookBody(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${mac(secret, timestampSeconds, body)}`;
}

/**
 * What a receiver does with a delivery: recompute the HMAC over the timestamp and the raw body
 * with the shared secret, compare in constant time, and refuse stale timestamps.
 */
export function verifyWebhookSignature(
  header: string | null | undefined,
  body: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  const parts = new Map(
    header.split(',').map((part) => {
      const i = part.indexOf('=');
      return [part.slice(0, i).trim(), part.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(given)) {
    return false;
  }
  return timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(mac(secret, t, body), 'hex'));
}

/** Exponential backoff of webhook retries. */
export interface RetryPolicy {
  /** Wait after the first failed attempt. */
  firstDelayMs: number;
  /** Each further wait is this many times longer... */
  factor: number;
  /** ...up to this. */
  maxDelayMs: number;
  /** Attempts in all, the first one included; then the delivery is failed. */
  maxAttempts: number;
  /** Waits up to this long happen inside the trigger; longer ones are left to the retry sweep. */
  inlineMaxDelayMs: number;
  /** Requests that take longer count as failed (and are retried). */
  requestTimeoutMs: number;
}

/** 1 s, 4 s, 16 s, 64 s, ~4 min, ~17 min, 1 h: eight attempts over about 1.5 hours. */
export const WEBHOOK_RETRY_POLICY: RetryPolicy = {
  firstDelayMs: 1_000,
  factor: 4,
  maxDelayMs: 3_600_000,
  maxAttempts: 8,
  inlineMaxDelayMs: 5_000,
  requestTimeoutMs: 10_000,
};

/**
 * The wait after `failedAttempts` failures: exponential, capped, spread by ±20% so that many
 * deliveries failing together do not all come back at the same instant. `random` in [0, 1).
 */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy, random = 0.5): number {
  const nominal = Math.min(policy.firstDelayMs * policy.factor ** Math.max(0, failedAttempts - 1), policy.maxDelayMs);
  return Math.round(nominal * (0.8 + 0.4 * random));
}

/**
 * What one HTTP attempt gave: a status, or an error kind without one (`timeout`, `network error`,
 * or `blocked_destination` when the destination was refused before connecting).
 */
export interface AttemptResult {
  status?: number;
  error?: string;
}

/**
 * 2xx succeeds. Timeouts, network errors, 408, 425, 429 and 5xx are worth retrying; other 4xx,
 * redirects (never followed: they could point anywhere) and blocked destinations are not.
 */
export function attemptOutcome(result: AttemptResult): 'ok' | 'retryable' | 'permanent' {
  const s = result.status;
  if (result.error === BLOCKED_DESTINATION) return 'permanent';
  if (s === undefined) return 'retryable';
  if (s >= 200 && s < 300) return 'ok';
  if (s === 408 || s === 425 || s === 429 || s >= 500) return 'retryable';
  return 'permanent';
}

export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'retrying' | 'failed';

export type NextDelivery =
  | { status: 'delivered' }
  | { status: 'retrying'; delayMs: number; nextAttemptAt: Date; inline: boolean }
  | { status: 'failed'; reason: string };

/** The state after an attempt, given how many attempts (this one included) were made. */
export function afterAttempt(
  attempts: number,
  result: AttemptResult,
  now: Date,
  policy: RetryPolicy,
  random = 0.5,
): NextDelivery {
  const outcome = attemptOutcome(result);
  if (outcome === 'ok') return { status: 'delivered' };
  const what = result.status !== undefined ? `HTTP ${result.status}` : (result.error ?? 'network error');
  if (outcome === 'permanent') return { status: 'failed', reason: `${what}: not retried` };
  if (attempts >= policy.maxAttempts) return { status: 'failed', reason: `${what} after ${attempts} attempts` };
  const delayMs = retryDelayMs(attempts, policy, random);
  return {
    status: 'retrying',
    delayMs,
    nextAttemptAt: new Date(now.getTime() + delayMs),
    inline: delayMs <= policy.inlineMaxDelayMs,
  };
}
