import type { CreateSinkRequest, SinkKind } from '@audit-log/model/callables';

/** How a stream is doing, as the Streams page colours it. */
export type StreamState = 'healthy' | 'behind' | 'failing' | 'paused';

/** One row of the Streams page: a stream's configuration and health, from `audit_sinks`. */
export interface StreamRow {
  sinkId: string;
  name: string;
  kind: SinkKind;
  /** Where it delivers: the webhook URL, the topic, or `gs://bucket/prefix`. */
  destination: string;
  status: 'active' | 'paused';
  state: StreamState;
  deliveredCount: number;
  lagMs: number;
  lastDeliveredAt: Date | null;
  /** The `recordedAt` of the last entry delivered (or where the stream starts or replays from). */
  position: Date | null;
  lastError: { message: string; at: Date | null } | null;
  consecutiveFailures: number;
  nextAttemptAt: Date | null;
}

function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function date(value: unknown): Date | null {
  const at = value as { toDate?: () => Date } | null | undefined;
  return typeof at?.toDate === 'function' ? at.toDate() : null;
}

/** A stream's state: paused wins, then a failure in a row, then a backlog. */
export function streamState(row: Pick<StreamRow, 'status' | 'consecutiveFailures' | 'lagMs'>): StreamState {
  if (row.status === 'paused') return 'paused';
  if (row.consecutiveFailures > 0) return 'failing';
  return row.lagMs > 0 ? 'behind' : 'healthy';
}

/** A stored stream's kind and destination; streams stored before there were kinds are webhooks. */
function destinationOf(data: Record<string, unknown>): { kind: SinkKind; destination: string } {
  switch (data['kind']) {
    case 'pubsub':
      return { kind: 'pubsub', destination: text(data['topic']) };
    case 'storage': {
      const bucket = text(data['bucket']);
      return { kind: 'storage', destination: bucket === '' ? '' : `gs://${bucket}/${text(data['prefix'])}` };
    }
    default:
      return { kind: 'webhook', destination: text(data['url']) };
  }
}

/**
 * The rows of stored streams (written by the stream functions, read through the rules), failing
 * ones first, then by name. Documents without a name or destination are skipped; missing health
 * counts as none yet.
 */
export function streamRows(docs: ReadonlyArray<{ id: string; data: Record<string, unknown> }>): StreamRow[] {
  const rows: StreamRow[] = [];
  for (const { id, data } of docs) {
    const name = text(data['name']);
    const { kind, destination } = destinationOf(data);
    if (name === '' || destination === '') continue;
    const health = (data['health'] ?? {}) as Record<string, unknown>;
    const error = health['lastError'] as { message?: unknown; at?: unknown } | null | undefined;
    const status = data['status'] === 'paused' ? 'paused' : 'active';
    const base = {
      sinkId: id,
      name,
      kind,
      destination,
      status,
      deliveredCount: count(health['deliveredCount']),
      lagMs: count(health['lagMs']),
      lastDeliveredAt: date(health['lastDeliveredAt']),
      position: date((data['cursor'] as { recordedAt?: unknown } | undefined)?.recordedAt),
      lastError:
        error && typeof error === 'object' ? { message: text(error.message, 'failed'), at: date(error.at) } : null,
      consecutiveFailures: count(health['consecutiveFailures']),
      nextAttemptAt: date(health['nextAttemptAt']),
    } as const;
    rows.push({ ...base, state: streamState(base) });
  }
  const rank: Record<StreamState, number> = { failing: 0, behind: 1, paused: 2, healthy: 3 };
  return rows.sort((a, b) => rank[a.state] - rank[b.state] || a.name.localeCompare(b.name));
}

/** A lag as people read it: `caught up`, `42 s`, `3 min`, `2 h 5 min`. */
export function formatLag(ms: number): string {
  if (ms <= 0) return 'caught up';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** The ISO instant of a `datetime-local` input's value (local time), or null when it is not one. */
export function replayInstant(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return null;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/** What the new-stream form holds: every kind's fields, of which the chosen kind's are sent. */
export interface StreamForm {
  kind: SinkKind;
  name: string;
  url: string;
  topic: string;
  bucket: string;
  prefix: string;
}

/** The kinds of stream the form offers, and how it names them. */
export const STREAM_KINDS: ReadonlyArray<{ kind: SinkKind; label: string }> = [
  { kind: 'webhook', label: 'HTTPS webhook' },
  { kind: 'pubsub', label: 'Pub/Sub topic' },
  { kind: 'storage', label: 'Storage (NDJSON)' },
];

/**
 * The `createSink` request of the form: the chosen kind and its own fields only (the callable
 * refuses another kind's fields), an empty prefix left out. Values are sent as typed; the
 * callable checks them and names each bad field.
 */
export function createSinkRequest(form: StreamForm): CreateSinkRequest {
  switch (form.kind) {
    case 'webhook':
      return { kind: 'webhook', name: form.name, url: form.url };
    case 'pubsub':
      return { kind: 'pubsub', name: form.name, topic: form.topic };
    case 'storage':
      return {
        kind: 'storage',
        name: form.name,
        bucket: form.bucket,
        ...(form.prefix.trim() !== '' ? { prefix: form.prefix.trim() } : {}),
      };
  }
}
