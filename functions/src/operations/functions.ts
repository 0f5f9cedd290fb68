import { onCall } from 'firebase-functions/v2/https';
import { COMMAND_OPTIONS } from '../commands/callable';
import { handleIngestHealth, handleListOutbox } from './health';
import { handleReplayDeadLetter } from './replay';

// Registrations of the operator commands of the console.
export const replayDeadLetter = onCall({ ...COMMAND_OPTIONS, timeoutSeconds: 120 }, handleReplayDeadLetter);
export const ingestHealth = onCall(COMMAND_OPTIONS, handleIngestHealth);
export const listOutbox = onCall(COMMAND_OPTIONS, handleListOutbox);
