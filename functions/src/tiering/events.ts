import { ingestSystemEvent } from '../ingest/ingest';
import * as logs from './logs';

/** Source of every event the cold tier records about itself. */
export const TIERING_SOURCE = 'audit-tiering';

export type ArchiveEventType =
  'compliance.archive.created' | 'compliance.archive.restored' | 'compliance.archive.purged';

export interface ArchiveEvent {
  type: ArchiveEventType;
  tenantId: string;
  /** Stable per archive and cycle, so a rerun after a crash records the event once. */
  eventId: string;
  archiveId: string;
  objectPath: string;
  occurredAt: Date;
  /** Who asked (a restore's admin); the scheduled job acts as itself. */
  actor?: { type: 'user'; id: string; email?: string };
  details: Record<string, string | number | boolean | null>;
}

/** Records an archive event; returns its logId, or null when it was rejected (logged, retried next run). */
export type EmitArchiveEvent = (event: ArchiveEvent) => Promise<string | null>;

const OPERATIONS: Record<ArchiveEventType, 'CREATE' | 'EXECUTE' | 'DELETE'> = {
  'compliance.archive.created': 'CREATE',
  'compliance.archive.restored': 'EXECUTE',
  'compliance.archive.purged': 'DELETE',
};

/** The envelope of an archive event (exported for tests). */
export function archiveEnvelope(event: ArchiveEvent): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: event.eventId,
    eventType: event.type,
    tenantId: event.tenantId,
    occurredAt: event.occurredAt.toISOString(),
    source: TIERING_SOURCE,
    actor: event.actor ?? { type: 'system', id: TIERING_SOURCE, name: 'Audit log tiering' },
    resource: { type: 'audit_archive', id: event.archiveId, path: event.objectPath },
    operation: OPERATIONS[event.type],
    outcome: 'success',
    metadata: event.details,
  };
}

/** Through the one ingest entry point, like every other event: validated, classified, hashed. */
export const emitArchiveEvent: EmitArchiveEvent = async (event) => {
  const outcome = await ingestSystemEvent(archiveEnvelope(event), `tiering-${event.eventId}`);
  if (outcome.status === 'rejected') {
    logs.eventNotRecorded(event.tenantId, event.type, outcome.reason);
    return null;
  }
  return outcome.logId;
};
