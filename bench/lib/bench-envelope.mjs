// The envelope every ingest benchmark sends: a realistic mix of creations and updates with
// changes, metadata and actor details, so each path pays for validation, diffing and redaction.
import { randomUUID } from 'node:crypto';

const TYPES = [
  'repo.created',
  'issue.created',
  'org.team_created',
  'pr.opened',
  'org.member_added',
  'repo.settings_updated',
];

/** Event `i` of a benchmark run in `tenantId`, sent by `source`. */
export function benchEnvelope(tenantId, i, source) {
  const eventType = TYPES[i % TYPES.length];
  // Creations carry only `after`; the other types are updates and carry both sides (contract).
  const create = !eventType.endsWith('updated');
  return {
    specVersion: '1.0',
    eventId: randomUUID(),
    eventType,
    tenantId,
    occurredAt: new Date().toISOString(),
    source,
    actor: {
      type: 'user',
      id: `u-${i % 50}`,
      name: `User ${i % 50}`,
      email: `user${i % 50}@example.com`,
      ip: '10.0.0.1',
    },
    resource: { type: 'repository', id: `r-${i % 200}`, name: `repo-${i % 200}` },
    changes: create
      ? {
          before: null,
          after: { name: `repo-${i}`, visibility: 'private', topics: ['a', 'b'], settings: { wiki: true } },
        }
      : { before: { settings: { wiki: true, issues: true } }, after: { settings: { wiki: false, issues: true } } },
    metadata: { requestId: `req-${i}`, client: { app: 'web', version: '1.2.3' }, note: 'x'.repeat(300) },
  };
}
