// Synthetic stored audit entries with the real schema, for the tiering benchmarks. A pool of
// templates goes through the real domain pipeline (validate, classify, redact, tokens, hash); each
// row then varies ids, times and hash cheaply, so generation stays far faster than what it feeds.
import { CLEAR_TEXT_TENANT_SETTINGS, buildEntry, validateEnvelope } from '../../functions/lib/domain/index.js';

const TYPES = [
  ['repo.created', { before: null, after: { name: 'widgets', visibility: 'private', topics: ['a', 'b'] } }],
  ['repo.visibility_changed', { before: { visibility: 'private' }, after: { visibility: 'public' } }],
  ['issue.commented', undefined],
  ['pr.merged', undefined],
  ['auth.user.login', undefined],
  ['auth.login.failed', undefined],
  ['org.member_added', { before: null, after: { role: 'member', user: 'u-42' } }],
  ['repo.settings_updated', { before: { wiki: true, issues: true }, after: { wiki: false, issues: true } }],
];
const OUTCOMES = ['success', 'success', 'success', 'failure', 'denied'];

/** A simple deterministic PRNG, so every child process generates identical rows. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function template(tenantId, i) {
  const r = rng(i + 1);
  const [eventType, changes] = TYPES[i % TYPES.length];
  const auth = eventType.startsWith('auth.');
  const raw = {
    specVersion: '1.0',
    eventId: `tpl-${i}`,
    eventType,
    tenantId,
    occurredAt: '2024-01-01T00:00:00.000Z',
    source: auth ? 'auth-service' : 'repo-service',
    sequence: i,
    actor: {
      type: 'user',
      id: `u-${Math.floor(r() * 500)}`,
      name: `User ${Math.floor(r() * 500)} Example`,
      email: `user${i % 500}@example.com`,
      ip: `10.0.${i % 250}.${Math.floor(r() * 250)}`,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      roles: ['developer', i % 3 === 0 ? 'admin' : 'reader'],
    },
    ...(auth
      ? {}
      : {
          resource: {
            type: 'repository',
            id: `r-${i % 1000}`,
            name: `repo-${i % 1000}`,
            path: `/org/repo-${i % 1000}`,
          },
        }),
    outcome: auth && eventType.endsWith('failed') ? 'failure' : OUTCOMES[i % OUTCOMES.length],
    ...(changes ? { changes } : {}),
    metadata: {
      requestPath: `/api/v1/repos/${i % 1000}`,
      latencyMs: Math.floor(r() * 400),
      region: 'us-central1',
      tags: ['bench'],
    },
    context: { correlationId: `corr-${i}`, requestId: `req-${i}` },
  };
  const envelope = validateEnvelope(raw, new Date('2024-06-01T00:00:00Z'));
  return buildEntry(envelope, CLEAR_TEXT_TENANT_SETTINGS, { via: 'pubsub' });
}

/** A Firestore Timestamp look-alike (the row mapper only needs seconds, nanoseconds and toDate). */
function instant(ms) {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanoseconds: (ms - seconds * 1000) * 1e6, toDate: () => new Date(ms) };
}

/**
 * Returns `stored(i)`: the i-th stored entry of a day, as Firestore would hand it to the job
 * (Timestamps for instants). Same i, same entry, in any process.
 */
export function syntheticDay({ tenantId = 'bench-tenant', date = '2024-01-01', pool = 512 } = {}) {
  const templates = Array.from({ length: pool }, (_, i) => template(tenantId, i));
  const dayStart = Date.parse(`${date}T00:00:00.000Z`);
  return function stored(i) {
    const t = templates[i % pool];
    const ms = dayStart + (Math.floor((i * 86_399_999) / 1_000_003) % 86_400_000);
    const serial = i.toString(16).padStart(16, '0');
    // Unique per row and cheap: the encoders, not SHA-256, are what is measured here.
    return {
      ...t,
      logId: `${t.logId.slice(0, 16)}${serial}`,
      eventId: `evt-${i}`,
      occurredAt: instant(ms),
      recordedAt: instant(ms + 1500),
      sequence: i,
      hash: `${t.hash.slice(0, 48)}${serial}`,
    };
  };
}
