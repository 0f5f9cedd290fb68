import { DENIED_EVENT_TYPE } from '../../functions/src/domain/anomaly';

/** The resource the denial suites' actors keep being refused. */
export const DENIED_RESOURCE = { type: 'repository', id: 'r-vault', name: 'vault' };

/** The fields of one `permission.check.denied` event of `actorId` at `at` (ms), for `testEnvelope`. */
export function denialFields(actorId: string, at: number): Record<string, unknown> {
  return {
    eventType: DENIED_EVENT_TYPE,
    source: 'authz-service',
    occurredAt: new Date(at).toISOString(),
    outcome: 'denied',
    actor: { type: 'user', id: actorId },
    resource: DENIED_RESOURCE,
    changes: undefined,
    metadata: { permission: 'repo.admin' },
  };
}
