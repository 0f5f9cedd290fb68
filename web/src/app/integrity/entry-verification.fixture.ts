import type { InclusionProof, SignedCheckpoint } from '@audit-log/model/integrity';

/**
 * A checkpoint and an inclusion proof built once by the functions' own code (`buildCheckpoint`,
 * `CheckpointLeaves`, `signerFromSecret` with a throw-away Ed25519 key): seven leaves, one of
 * them the golden entry of `functions/src/domain/entry.spec.ts`, whose hash the functions pin.
 * The console must accept exactly what the functions produce, so these values are not computed
 * here with the console's code.
 */
export const FIXTURE_KEY = {
  keyId: 'ed25519:0326fc60257a1c4c',
  publicKey: '7bGEf9aoZR+/5rfpIhrprE0PCnqwlynmcbUcYhb+seg=',
};

export const FIXTURE_ENTRY_HASH = 'e4de912dd1aec7f2af67239fd61f748c2e358e0ee6efee1cf43c5e447267bde0';

/** The golden entry as Firestore stores it (occurredAt a Timestamp, recordedAt in the window). */
export function fixtureEntry(): Record<string, unknown> {
  return {
    logId: 'f4e790c33a1c85df51c06de7fa0e9bff',
    specVersion: '1.0',
    eventId: 'evt-0001',
    eventType: 'repo.visibility_changed',
    tenantId: 'acme',
    occurredAt: { toDate: () => new Date('2026-01-31T12:00:00.000Z') },
    recordedAt: { toDate: () => new Date('2026-01-31T12:00:01.500Z') },
    source: 'repo-service',
    sequence: 42,
    actor: { type: 'user', id: 'u-1', email: 'dev@acme.test' },
    resource: { type: 'repository', id: 'r-9', name: 'api' },
    operation: 'UPDATE',
    outcome: 'success',
    changes: { before: { visibility: 'private' }, after: { visibility: 'public' } },
    context: { correlationId: 'corr-1' },
    category: 'SYSTEM_CONFIGURATION',
    level: 'CRITICAL',
    requiresReview: true,
    reviewStatus: 'pending',
    changedFields: ['visibility'],
    redactions: [],
    searchTokens: ['repo', 'visibility_changed'],
    hash: FIXTURE_ENTRY_HASH,
  };
}

export const FIXTURE_CHECKPOINT: SignedCheckpoint = {
  id: 'acme~0000000002',
  version: 1,
  tenantId: 'acme',
  seq: 2,
  windowStart: '2026-01-31T12:00:00.000Z',
  windowEnd: '2026-01-31T12:05:00.000Z',
  count: 7,
  merkleRoot: '5d857b926871b7c269e9fafd406c896aeccc8b5b77b6a4d80186b5b66ba4c375',
  prevHash: '5b0c1cb15fe187045734dc2480a5e4ee55e759414d9370213e0431dbd385d366',
  date: '2026-01-31',
  merkleOrder: 'rfc6962-sha256-sorted-leaves',
  hash: '2b59d98c25100daae373dbb71e8a2a57a8b6da0e6bb40c711592bc91609b26ca',
  algorithm: 'Ed25519',
  keyId: 'ed25519:0326fc60257a1c4c',
  signature: '+B7491xbQKyajadm3vSny8Fe0fF68wBGCWy/DhKZfUwm1zMvktHvhhtZl853Hjc5zK0iEOX2M1veUoVGKsAiBA==',
};

export const FIXTURE_PROOF: InclusionProof = {
  leaf: 'daffc37354d24a4655c631282b1ed9e095ea1ea4106abf1d4569379001784f1b',
  index: 6,
  size: 7,
  path: [
    '82b8e49d2190dd4c1f35144f790f1965403e8223e65235cc10824fc5b209dd76',
    '6332159a3a898e8771c9870fe14792c565acfec57e605c5d6a7e40fafbdfbbdc',
  ],
};
