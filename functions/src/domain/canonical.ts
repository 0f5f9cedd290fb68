import { createHash, hash } from 'node:crypto';

// Canonical JSON lives in the model package: the console recomputes entry hashes with it too.
export { canonicalJson } from '@audit-log/model/canonical';

/** Lower-case hex SHA-256 of a UTF-8 string. */
export function sha256Hex(text: string): string {
  // The one-shot form (Node 20.12+) skips the Hash object, a large share of the cost for a 1 KB text.
  if (typeof hash === 'function') return hash('sha256', text, 'hex');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
