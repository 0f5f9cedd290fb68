import { getApps, initializeApp } from 'firebase-admin/app';
import { getStorage } from 'firebase-admin/storage';
import { defaultDeliveryNetwork } from '../alerts/webhook-transport';
import { platform, settings } from '../config';
import { webhookUrlProblem } from '../domain/alerts';
import { CommandError } from '../domain/commands';
import {
  pubsubTopicProblem,
  storageBucketProblem,
  storageObjectPrefix,
  type CreateSinkInput,
  type SinkTarget,
} from '../domain/sinks';

// Turns a valid `createSink` request into the stream's destination, applying the rules that need
// the deployment at hand: the webhook's network policy, the project a bare topic belongs to (and
// the tenant's own topics in it), and the project's stream buckets.

/** The project's default bucket (the Storage emulator's too), named without touching the network. */
function defaultBucketName(): string {
  if (getApps().length === 0) initializeApp();
  try {
    return getStorage().bucket().name;
  } catch {
    // No storageBucket in the app options (a bare initializeApp outside the functions runtime).
    return `${platform.projectId() ?? 'demo-auditlog'}.appspot.com`;
  }
}

/** Buckets a Storage stream may write to: `SINK_BUCKETS`, or the project's default bucket. */
export function allowedSinkBuckets(): string[] {
  const listed = settings.sinkBuckets();
  return listed.length > 0 ? listed : [defaultBucketName()];
}

function refuse(path: string, message: string): never {
  throw new CommandError('invalid_argument', 'the request data breaks a rule', [{ path, message }]);
}

/**
 * The destination of a new stream of `tenantId`, or `invalid_argument` naming the field: a
 * webhook URL that leads to a private network, a topic of this project that is not the tenant's,
 * a bucket that is not one of the project's stream buckets.
 */
export function targetOfInput(input: CreateSinkInput, tenantId: string, sinkId: string): SinkTarget {
  switch (input.kind) {
    case 'webhook': {
      const problem = webhookUrlProblem(input.url, defaultDeliveryNetwork());
      if (problem) refuse('url', problem);
      return { kind: 'webhook', url: input.url };
    }
    case 'pubsub': {
      const projectId = platform.projectId();
      if (projectId === undefined) throw new Error('no project id: GCLOUD_PROJECT is not set');
      const checked = pubsubTopicProblem(input.topic, { projectId, tenantId });
      if ('problem' in checked) refuse('topic', checked.problem);
      return { kind: 'pubsub', topic: checked.topic };
    }
    case 'storage': {
      const problem = storageBucketProblem(input.bucket, allowedSinkBuckets());
      if (problem) refuse('bucket', problem);
      return { kind: 'storage', bucket: input.bucket, prefix: storageObjectPrefix(tenantId, sinkId, input.prefix) };
    }
  }
}
