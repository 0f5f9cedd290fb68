import { readStoredDocument } from '@audit-log/model/stored-document';
import { deadLetterDocSchema, type DeadLetterDoc } from '@audit-log/model/stored-dead-letter';

/** A dead letter as the operations page lists it. */
export interface DeadLetterRow {
  id: string;
  reason: string;
  message: string;
  errors: Array<{ path: string; message: string }>;
  source: string;
  receivedAt: Date | null;
  status: string | null;
  replayAttempts: number;
  replayLogId: string | null;
}

/** Field errors shown per letter; the rest are in the document. */
const ERRORS_SHOWN = 5;

/**
 * Reads `audit_dead_letters/{id}` through the schema ingest writes it with. A malformed letter
 * still lists, as `malformed_document` with the fields to mend in place of its own reason, so
 * nothing disappears from the operator's view.
 */
export function toDeadLetterRow(id: string, data: Record<string, unknown>): DeadLetterRow {
  const read = readStoredDocument(deadLetterDocSchema, `audit_dead_letters/${id}`, data);
  if (read.ok) return rowOf(id, read.value);
  const at = data['receivedAt'] as { toDate?: () => Date } | undefined;
  return {
    id,
    reason: read.error.code,
    message: read.error.message,
    errors: read.error.errors.slice(0, ERRORS_SHOWN),
    source: typeof data['source'] === 'string' ? data['source'] : '',
    receivedAt: typeof at?.toDate === 'function' ? at.toDate() : null,
    status: typeof data['status'] === 'string' ? data['status'] : null,
    replayAttempts: typeof data['replayAttempts'] === 'number' ? data['replayAttempts'] : 0,
    replayLogId: typeof data['replayLogId'] === 'string' ? data['replayLogId'] : null,
  };
}

function rowOf(id: string, letter: DeadLetterDoc): DeadLetterRow {
  return {
    id,
    reason: letter.reason,
    message: letter.message,
    errors: letter.errors.slice(0, ERRORS_SHOWN),
    source: letter.source,
    receivedAt: letter.receivedAt.toDate(),
    status: letter.status ?? null,
    replayAttempts: letter.replayAttempts,
    replayLogId: letter.replayLogId ?? null,
  };
}
