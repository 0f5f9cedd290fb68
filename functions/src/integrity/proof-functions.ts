import type { CallableOutput } from '@audit-log/model/callables';
import { onCall, type CallableRequest } from 'firebase-functions/v2/https';
import { requestCaller, runCallable } from '../commands/callable';
import { REGION } from '../config';
import { parseCommand } from '../domain/commands';
import { entryProofInputSchema } from '../domain/integrity/entry-proof';
import { firestore } from '../firebase';
import { archiveBucket } from '../tiering/storage';
import { findEntryProof } from './entry-proof';

/** The inclusion proof of one entry in its tenant's signed checkpoint chain, for the console to check. */
export function handleEntryProof(request: CallableRequest): Promise<CallableOutput<'entryProof'>> {
  return runCallable('entryProof', async () => {
    const caller = requestCaller(request);
    const { logId } = parseCommand(entryProofInputSchema, request.data);
    return findEntryProof({ db: firestore(), bucket: archiveBucket() }, caller, logId);
  });
}

// Read-only and cheap (three reads and one small object); reading needs no revocation check beyond
// what the rules give a reader for an hour anyway.
export const entryProof = onCall({ region: REGION, memory: '256MiB', timeoutSeconds: 60 }, handleEntryProof);
