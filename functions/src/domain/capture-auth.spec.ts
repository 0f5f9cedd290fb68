import { describe, expect, it } from 'vitest';
import { captureEnvelope, type CaptureInput } from './capture';
import { DEFAULT_CAPTURE_TARGETS } from './capture-config';

// The writer of a captured document is whoever the platform says made the write (the auth
// context of `onDocumentWrittenWithAuthContext`), never whoever the document claims. The Firestore
// emulator leaves `authType`/`authId` empty, so this mapping is proven here, as a domain test.

const repos = DEFAULT_CAPTURE_TARGETS[0]!;

function write(overrides: Partial<CaptureInput>): Record<string, unknown> {
  const result = captureEnvelope(
    {
      firestoreEventId: 'evt-1',
      documentPath: 'tenants/acme/repos/r1',
      params: { tenantId: 'acme', docId: 'r1' },
      time: '2026-03-01T11:59:59.123Z',
      before: { name: 'api', visibility: 'private', updatedBy: 'u-real' },
      after: { name: 'api', visibility: 'public', updatedBy: 'u-victim' },
      ...overrides,
    },
    repos,
  );
  if (result.status !== 'event') throw new Error(`skipped: ${result.reason}`);
  return result.envelope;
}

describe('change capture actor', () => {
  it('takes the actor from the auth context and keeps a forged updatedBy only as a claim', () => {
    const envelope = write({ auth: { type: 'app_user', id: 'u-real' } });
    expect(envelope.actor).toEqual({ type: 'user', id: 'u-real' });
    expect(envelope.metadata).toMatchObject({
      capture: {
        actorFrom: 'auth_context',
        authType: 'app_user',
        claimedActor: { type: 'user', id: 'u-victim', claimed: true, field: 'updatedBy' },
      },
    });
  });

  it('maps service accounts, API keys and unauthenticated writers to actor types', () => {
    expect(write({ auth: { type: 'service_account', id: 'svc@p.iam.gserviceaccount.com' } }).actor).toEqual({
      type: 'service_account',
      id: 'svc@p.iam.gserviceaccount.com',
    });
    expect(write({ auth: { type: 'api_key', id: 'key-1' } }).actor).toEqual({ type: 'service_account', id: 'key-1' });
    expect(write({ auth: { type: 'unauthenticated' } }).actor).toEqual({ type: 'anonymous' });
    expect(write({ auth: { type: 'system' } }).actor).toEqual({ type: 'system', id: 'firestore-capture' });
  });

  it('falls back to the claimed field only when the platform names nobody, and says so', () => {
    for (const auth of [undefined, { type: 'unknown' }, { type: '' }]) {
      const envelope = write(auth ? { auth } : {});
      expect(envelope.actor).toEqual({ type: 'user', id: 'u-victim' });
      expect(envelope.metadata).toMatchObject({ capture: { actorFrom: 'claimed', actorField: 'updatedBy' } });
    }
  });
});
