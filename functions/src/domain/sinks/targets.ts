import { z } from 'zod';

// Where a stream delivers, by kind, and the rules on which destinations a tenant may name. A
// tenant's entries may only go where the tenant says, and a tenant may never write into another
// tenant's destination inside the audit log's own project:
// - Pub/Sub: a topic of another project (its owner grants the audit log's service account the
//   publisher role), or, in the audit log's project, only `sinks.<tenantId>` and topics under
//   `sinks.<tenantId>.` — never the ingest topic or another tenant's topic.
// - Storage: only the project's stream buckets (an operator's list), and every object name starts
//   with `streams/tenant=<tenantId>/`, whatever prefix the tenant adds; tenant ids cannot hold a
//   slash, so no tenant's objects can land in, or overwrite, another tenant's part of a bucket.

/** A stream's destination, by kind. */
export type SinkTarget =
  | { kind: 'webhook'; url: string }
  | { kind: 'pubsub'; topic: string }
  | { kind: 'storage'; bucket: string; prefix: string };

/** The kinds of stream. */
export type SinkTargetKind = SinkTarget['kind'];

/** Topic ids as Pub/Sub allows them: a letter, then 2..254 of letters, digits and `-_.~+%`. */
const TOPIC_ID = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
/** Project ids: 6..30 lower-case letters, digits and hyphens, starting with a letter. */
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const FULL_TOPIC = /^projects\/([^/]+)\/topics\/([^/]+)$/;

/** The topic field as typed: the shape only; {@link pubsubTopicProblem} applies the tenant rule. */
export const topicSchema = z
  .string('must be a string')
  .trim()
  .min(1, 'must not be empty')
  .max(400, 'must be at most 400 characters');

/** The topic prefix a tenant owns in the audit log's own project. */
export function tenantTopicPrefix(tenantId: string): string {
  return `sinks.${tenantId}`;
}

/**
 * The full name of the topic a tenant named (`projects/<p>/topics/<t>`), or the reason it may not
 * be used. A bare name is a topic of `projectId`. In `projectId`, only the tenant's own topics
 * (`sinks.<tenantId>`, `sinks.<tenantId>.<anything>`) are allowed.
 */
export function pubsubTopicProblem(
  topic: string,
  scope: { projectId: string; tenantId: string },
): { topic: string } | { problem: string } {
  const full = FULL_TOPIC.exec(topic);
  const project = full ? full[1]! : scope.projectId;
  const id = full ? full[2]! : topic;
  if (topic.includes('/') && !full) return { problem: 'must be a topic name or projects/<project>/topics/<topic>' };
  if (!PROJECT_ID.test(project)) return { problem: `names an invalid project id "${project}"` };
  if (!TOPIC_ID.test(id)) {
    return { problem: 'must be 3..255 letters, digits or -_.~+%, starting with a letter' };
  }
  if (id.toLowerCase().startsWith('goog')) return { problem: 'must not start with "goog"' };
  const own = tenantTopicPrefix(scope.tenantId);
  if (project === scope.projectId && id !== own && !id.startsWith(`${own}.`)) {
    return { problem: `in this project, must be "${own}" or start with "${own}."` };
  }
  return { topic: `projects/${project}/topics/${id}` };
}

/** Bucket names as Cloud Storage allows them (3..222, lower case, digits, `-_.`). */
export const bucketSchema = z
  .string('must be a string')
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/, 'must be a bucket name (lower case letters, digits, -_.)');

/**
 * The folder a tenant may add under its own prefix: segments of letters, digits and `_=-.`
 * separated by single slashes, none starting with a dot (so no `.` or `..`), no leading or
 * trailing slash.
 */
export const storagePrefixSchema = z
  .string('must be a string')
  .max(200, 'must be at most 200 characters')
  .regex(
    /^[A-Za-z0-9_=-][A-Za-z0-9_=.-]*(\/[A-Za-z0-9_=-][A-Za-z0-9_=.-]*)*$/,
    'must be folder names (letters, digits, _=-.) separated by "/", none starting with "." and no leading or trailing "/"',
  );

/** Where a stream's objects go: `streams/tenant=<tenantId>/[<prefix>/]sink=<sinkId>/`. */
export function storageObjectPrefix(tenantId: string, sinkId: string, prefix?: string): string {
  const folder = prefix === undefined || prefix === '' ? '' : `${prefix}/`;
  return `streams/tenant=${tenantId}/${folder}sink=${sinkId}/`;
}

/** True when `objectPrefix` lies inside the tenant's own part of a bucket. */
export function isTenantObjectPrefix(tenantId: string, objectPrefix: string): boolean {
  return objectPrefix.startsWith(`streams/tenant=${tenantId}/`) && !/(^|\/)\.\.?(\/|$)/.test(objectPrefix);
}

/** A bucket a tenant named, or why it may not be used: only the project's stream buckets. */
export function storageBucketProblem(bucket: string, allowed: readonly string[]): string | undefined {
  if (allowed.includes(bucket)) return undefined;
  return `must be one of the project's stream buckets: ${allowed.join(', ')}`;
}

/** UTC instant with fixed width and no colons: `20261206T085528.123Z`; sorts as it happened. */
function compactInstant(ms: number): string {
  return new Date(ms).toISOString().replaceAll('-', '').replaceAll(':', '');
}

/**
 * The object of a batch: under the stream's prefix, by generation (a replay starts a new one),
 * then by the batch's first entry. A resent batch starts at the same entry, so it overwrites its
 * object; later batches start later, so names sort in delivery order.
 */
export function batchObjectName(
  objectPrefix: string,
  generation: number,
  first: { recordedAtMs: number; logId: string },
): string {
  const gen = String(generation).padStart(6, '0');
  return `${objectPrefix}generation=${gen}/${compactInstant(first.recordedAtMs)}_${first.logId}.ndjson`;
}

/** Where a stream delivers, as the console shows it. */
export function targetDestination(target: SinkTarget): string {
  switch (target.kind) {
    case 'webhook':
      return target.url;
    case 'pubsub':
      return target.topic;
    case 'storage':
      return `gs://${target.bucket}/${target.prefix}`;
  }
}
