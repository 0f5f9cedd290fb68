import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IndexDefinition } from './index-catalog';
import { LOG_INDEXES } from './log-indexes';

/** The composite indexes of `audit_logs` as the project's index file declares them. */
function fileLogIndexes(): IndexDefinition[] {
  const file = JSON.parse(readFileSync(join(__dirname, '../../../firestore.indexes.json'), 'utf8')) as {
    indexes: IndexDefinition[];
  };
  return file.indexes.filter((index) => ['audit_logs', 'audit_reviews'].includes(index.collectionGroup));
}

describe('LOG_INDEXES', () => {
  it('is the audit_logs and audit_reviews part of firestore.indexes.json (else run `node tools/model/log-indexes.mjs`)', () => {
    expect(LOG_INDEXES).toEqual(fileLogIndexes());
  });
});
