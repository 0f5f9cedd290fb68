import { ingestSystemEvent } from '../ingest/ingest';
import { auditFailed } from './logs';

/**
 * Records an audit event of the export paths through the common ingest entry point. The export
 * or report itself has already happened, so a failure to record it is logged loudly and thrown:
 * callers decide whether the job fails with it (a file without its audit entry must not pass
 * as complete).
 */
export async function recordAudit(envelope: Record<string, unknown>, deadLetterId: string): Promise<void> {
  const outcome = await ingestSystemEvent(envelope, deadLetterId);
  if (outcome.status === 'rejected') {
    auditFailed(String(envelope.eventType), deadLetterId, outcome.reason);
    throw new Error(`audit event rejected: ${outcome.reason} ${outcome.message}`);
  }
}
