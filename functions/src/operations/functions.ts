import { onCall } from 'firebase-functions/v2/https';
import { COMMAND_OPTIONS } from '../commands/callable';
import { withFreshToken } from '../commands/fresh-token';
import { handleIngestHealth, handleListOutbox } from './health';
import { handleReplayDeadLetter } from './replay';

// Registrations of the operator commands of the console.
export const replayDeadLetter = onCall(
  { ...COMMAND_OPTIONS, timeoutSeconds: 120 },
  withFreshToken(handleReplayDeadLetter),
);
export const ingestHealth = onCall(COMMAND_OPTIONS, withFreshToken(handleIngestHealth));
export const listOutbox = onCall(COMMAND_OPTIONS, withFreshToken(handleListOutbox));
