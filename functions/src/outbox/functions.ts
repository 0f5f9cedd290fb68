import { onDocumentCreated } from 'firebase-functions/v2/firestore';
import { REGION } from '../config';
import { COLLECTIONS } from '../store/collections';
import { handleOutboxCreated } from './outbox';

/** The outbox trigger: one invocation per new `audit_outbox` document (outbox.ts says what it does). */
export const ingestOutbox = onDocumentCreated(
  {
    document: `${COLLECTIONS.outbox}/{id}`,
    region: REGION,
    retry: true,
    memory: '256MiB',
    timeoutSeconds: 60,
  },
  handleOutboxCreated,
);
