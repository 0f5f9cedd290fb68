import { describe, expect, it } from 'vitest';
import { isPermanentStoreError } from './audit-store';

/** An error as the Admin SDK reports a failed RPC: a gRPC status code on an Error. */
function rpcError(code: number): Error {
  return Object.assign(new Error(`${code} rpc failed`), { code });
}

describe('isPermanentStoreError', () => {
  it('treats a write Firestore refuses as permanent', () => {
    expect(isPermanentStoreError(rpcError(3))).toBe(true); // INVALID_ARGUMENT
    expect(isPermanentStoreError(rpcError(11))).toBe(true); // OUT_OF_RANGE
    // The Admin SDK's own checks throw before sending, without a code.
    expect(isPermanentStoreError(new RangeError('Timestamp seconds out of range'))).toBe(true);
    expect(isPermanentStoreError(new Error('Input object is deeper than 20 levels'))).toBe(true);
  });

  it('retries everything that may pass on another attempt', () => {
    for (const code of [1, 2, 4, 7, 8, 10, 13, 14, 16])
      expect(isPermanentStoreError(rpcError(code)), String(code)).toBe(false);
    expect(isPermanentStoreError('not an error')).toBe(false);
  });
});
