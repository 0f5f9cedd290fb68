import type { TenantMember } from '../commands';

/** The reserved source of the stream configuration's audit entries (see `reserved-sources.ts`). */
export const SINK_AUDIT_SOURCE = 'audit-sinks';

/** What an admin did to a stream. */
export type SinkAction = 'created' | 'paused' | 'resumed' | 'replayed' | 'deleted';

const OPERATION: Record<SinkAction, 'CREATE' | 'UPDATE' | 'DELETE'> = {
  created: 'CREATE',
  paused: 'UPDATE',
  resumed: 'UPDATE',
  replayed: 'UPDATE',
  deleted: 'DELETE',
};

/** The stream as its audit entries describe it, with its kind's destination fields: never its signing key. */
export interface SinkAuditView {
  name: string;
  kind: string;
  /** `webhook` */
  url?: string;
  /** `pubsub`: the full topic name. */
  topic?: string;
  /** `storage`: the bucket and the object prefix (the tenant's part included). */
  bucket?: string;
  prefix?: string;
  status: 'active' | 'paused';
  batchSize: number;
  /** Where the stream reads from, after a creation or a replay. */
  cursorFrom?: string;
}

export interface SinkAuditInput {
  admin: TenantMember;
  action: SinkAction;
  sinkId: string;
  /** Counts the stream's configuration changes, so each change has an event id of its own. */
  configVersion: number;
  before: SinkAuditView | null;
  after: SinkAuditView | null;
  occurredAt: string;
}

/**
 * The audit envelope of a change to a stream: `config.audit_sink.<action>`, a SYSTEM_CONFIGURATION
 * entry under the reserved source, with the stream before and after. The event id names the stream
 * and the change's version, so a retried command records its change once.
 */
export function sinkConfigEvent(input: SinkAuditInput): Record<string, unknown> {
  const { admin } = input;
  return {
    specVersion: '1.0',
    eventId: `sink-${input.sinkId}-${input.configVersion}-${input.action}`,
    eventType: `config.audit_sink.${input.action}`,
    tenantId: admin.tenantId,
    occurredAt: input.occurredAt,
    source: SINK_AUDIT_SOURCE,
    actor: { type: 'user', id: admin.uid, ...(admin.email !== undefined ? { email: admin.email } : {}) },
    resource: { type: 'audit_sink', id: input.sinkId, name: (input.after ?? input.before)?.name ?? input.sinkId },
    operation: OPERATION[input.action],
    changes: { before: input.before, after: input.after },
  };
}
