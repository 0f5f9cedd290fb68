import { describe, expect, it } from 'vitest';
import { alertEmail, deliveryId, escapeHtml, mailId, notificationId, webhookBody, type AlertEntry } from './messages';
import { DEFAULT_ALERT_RULES, alertRuleSchema, alertSettingsSchema, matchingRules, type AlertRule } from './rules';
import {
  WEBHOOK_RETRY_POLICY,
  afterAttempt,
  attemptOutcome,
  retryDelayMs,
  signWebhookBody,
  verifyWebhookSignature,
  webhookSecretFrom,
  webhookSettingsSchema,
} from './webhook';

const ENTRY: AlertEntry = {
  logId: '0123456789abcdef0123456789abcdef',
  tenantId: 'acme',
  eventId: 'e-1',
  eventType: 'repo.visibility_changed',
  source: 'repo-service',
  category: 'SYSTEM_CONFIGURATION',
  level: 'CRITICAL',
  outcome: 'success',
  occurredAt: '2026-03-01T12:00:00.000Z',
  actor: { type: 'user', id: 'u-<mallory>' },
  resource: { type: 'repository', id: 'r-1', name: 'secret & sauce' },
  requiresReview: true,
  reviewStatus: 'pending',
  hash: 'ab'.repeat(32),
};

function rule(overrides: Partial<AlertRule>): AlertRule {
  return alertRuleSchema.parse({ id: 'r', name: 'R', levels: ['CRITICAL'], ...overrides });
}

describe('alert rules', () => {
  it('match by level, category, event-type pattern and outcome together', () => {
    const c = {
      eventType: 'repo.visibility_changed',
      category: 'SYSTEM_CONFIGURATION',
      level: 'CRITICAL',
      outcome: 'success',
    } as const;
    expect(matchingRules(DEFAULT_ALERT_RULES, c).map((r) => r.id)).toEqual(['critical']);
    expect(matchingRules([rule({ levels: [], eventTypes: ['repo.*'] })], c)).toHaveLength(1);
    expect(matchingRules([rule({ levels: [], eventTypes: ['repo'] })], c)).toHaveLength(0);
    expect(matchingRules([rule({ levels: [], eventTypes: ['repo.visibility_changed'] })], c)).toHaveLength(1);
    expect(matchingRules([rule({ categories: ['SECURITY'] })], c)).toHaveLength(0);
    expect(matchingRules([rule({ outcomes: ['failure'] })], c)).toHaveLength(0);
    expect(matchingRules([rule({ enabled: false })], c)).toHaveLength(0);
    expect(matchingRules(DEFAULT_ALERT_RULES, { ...c, level: 'ERROR' })).toHaveLength(0);
  });

  it('refuse rules without any condition, bad patterns, unknown channels and duplicate ids', () => {
    expect(alertRuleSchema.safeParse({ id: 'x', name: 'all' }).success).toBe(false);
    expect(alertRuleSchema.safeParse({ id: 'x', name: 'x', eventTypes: ['*.created'] }).success).toBe(false);
    expect(alertRuleSchema.safeParse({ id: 'x', name: 'x', levels: ['CRITICAL'], channels: ['sms'] }).success).toBe(
      false,
    );
    expect(alertRuleSchema.safeParse({ id: 'X Y', name: 'x', levels: ['CRITICAL'] }).success).toBe(false);
    const dup = alertSettingsSchema.safeParse({ rules: [rule({ id: 'a' }), rule({ id: 'a' })] });
    expect(dup.success).toBe(false);
    expect(dup.error?.issues[0]?.path).toEqual(['rules', 1, 'id']);
  });

  it('default to one CRITICAL rule; an explicit empty list turns alerts off', () => {
    expect(alertSettingsSchema.parse({}).rules.map((r) => r.id)).toEqual(['critical']);
    expect(alertSettingsSchema.parse({ rules: [] }).rules).toEqual([]);
  });
});

describe('alert ids and messages', () => {
  it('are deterministic per entry, rule and recipient', () => {
    expect(notificationId('l', 'r', 'u')).toBe(notificationId('l', 'r', 'u'));
    expect(notificationId('l', 'r', 'u')).toMatch(/^[0-9a-f]{40}$/);
    const all = new Set([
      notificationId('l', 'r', 'u'),
      notificationId('l', 'r', 'v'),
      notificationId('l', 's', 'u'),
      notificationId('m', 'r', 'u'),
      mailId('l', 'r', 'u'),
      deliveryId('l', 'r'),
    ]);
    expect(all.size).toBe(6);
    expect(mailId('l', 'r', 'A@Example.com')).toBe(mailId('l', 'r', 'a@example.com'));
  });

  it('escape producer text in email HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const mail = alertEmail(ENTRY, 'Critical <events>', 'http://127.0.0.1:4200/');
    expect(mail.subject).toBe('[audit] CRITICAL repo.visibility_changed (acme)');
    expect(mail.html).not.toContain('<mallory>');
    expect(mail.html).toContain('u-&lt;mallory&gt;');
    expect(mail.html).toContain('Critical &lt;events&gt;');
    expect(mail.text).toContain(`http://127.0.0.1:4200/logs/${ENTRY.logId}`);
  });

  it('build the webhook body from the entry, without the actor email or IP', () => {
    const body = JSON.parse(
      webhookBody({ deliveryId: 'd1', rule: { id: 'critical', name: 'C' }, entry: ENTRY }),
    ) as Record<string, unknown>;
    expect(body).toMatchObject({ id: 'd1', type: 'audit.alert', tenantId: 'acme', rule: { id: 'critical' } });
    expect(body.entry).toMatchObject({
      logId: ENTRY.logId,
      level: 'CRITICAL',
      actor: { type: 'user', id: 'u-<mallory>' },
    });
  });
});

describe('webhook signatures', () => {
  it('match an independently computed HMAC-SHA256 (golden vector)', () => {
    // printf '%s' '1767225600.{"id":"d1"}' | openssl dgst -sha256 -hmac 'whsec_test'
    expect(signWebhookBody('whsec_test', 1767225600, '{"id":"d1"}')).toBe(
      't=1767225600,v1=35a088a69a10894f3a183c40b865f2cad97d009df0cb9254b4aa6fd199dadaf6',
    );
  });

  it('verify the signed body and refuse tampering, other secrets and stale timestamps', () => {
    const body = '{"id":"d1","x":1}';
    const header = signWebhookBody('s3cret', 1000, body);
    expect(verifyWebhookSignature(header, body, 's3cret', 1000)).toBe(true);
    expect(verifyWebhookSignature(header, body, 's3cret', 1299)).toBe(true);
    expect(verifyWebhookSignature(header, body.replace('1', '2'), 's3cret', 1000)).toBe(false);
    expect(verifyWebhookSignature(header, body, 'other', 1000)).toBe(false);
    expect(verifyWebhookSignature(header, body, 's3cret', 1301)).toBe(false);
    expect(verifyWebhookSignature(undefined, body, 's3cret', 1000)).toBe(false);
    expect(verifyWebhookSignature('t=1000,v1=zz', body, 's3cret', 1000)).toBe(false);
  });

  it('secrets come from at least 32 random bytes', () => {
    expect(webhookSecretFrom(new Uint8Array(32))).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(() => webhookSecretFrom(new Uint8Array(16))).toThrow(/32 random bytes/);
  });

  it('accept https endpoints and plain http on loopback only', () => {
    expect(webhookSettingsSchema.safeParse({ enabled: true, url: 'https://hooks.example.com/a' }).success).toBe(true);
    expect(webhookSettingsSchema.safeParse({ enabled: true, url: 'http://127.0.0.1:8123/hook' }).success).toBe(true);
    expect(webhookSettingsSchema.safeParse({ enabled: true, url: 'http://hooks.example.com/a' }).success).toBe(false);
    expect(webhookSettingsSchema.safeParse({ enabled: true }).success).toBe(false);
    expect(webhookSettingsSchema.safeParse({ enabled: false }).success).toBe(true);
  });
});

describe('webhook retries', () => {
  it('back off exponentially with a cap, spread by ±20%', () => {
    const nominal = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n, WEBHOOK_RETRY_POLICY));
    expect(nominal).toEqual([1_000, 4_000, 16_000, 64_000, 256_000, 1_024_000, 3_600_000, 3_600_000]);
    expect(retryDelayMs(2, WEBHOOK_RETRY_POLICY, 0)).toBe(3_200);
    expect(retryDelayMs(2, WEBHOOK_RETRY_POLICY, 0.999999)).toBe(4_800);
  });

  it('retry timeouts, 429 and 5xx; give up on other 4xx and after the last attempt', () => {
    expect(attemptOutcome({ status: 204 })).toBe('ok');
    expect(attemptOutcome({ error: 'timeout' })).toBe('retryable');
    expect(attemptOutcome({ status: 429 })).toBe('retryable');
    expect(attemptOutcome({ status: 503 })).toBe('retryable');
    expect(attemptOutcome({ status: 401 })).toBe('permanent');

    const now = new Date('2026-03-01T00:00:00Z');
    expect(afterAttempt(1, { status: 200 }, now, WEBHOOK_RETRY_POLICY)).toEqual({ status: 'delivered' });
    expect(afterAttempt(1, { status: 500 }, now, WEBHOOK_RETRY_POLICY)).toEqual({
      status: 'retrying',
      delayMs: 1000,
      nextAttemptAt: new Date('2026-03-01T00:00:01Z'),
      inline: true,
    });
    expect(afterAttempt(3, { status: 500 }, now, WEBHOOK_RETRY_POLICY)).toMatchObject({
      status: 'retrying',
      inline: false,
    });
    expect(afterAttempt(8, { status: 500 }, now, WEBHOOK_RETRY_POLICY)).toEqual({
      status: 'failed',
      reason: 'HTTP 500 after 8 attempts',
    });
    expect(afterAttempt(1, { status: 404 }, now, WEBHOOK_RETRY_POLICY)).toEqual({
      status: 'failed',
      reason: 'HTTP 404: not retried',
    });
  });
});
