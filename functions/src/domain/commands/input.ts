import { fieldErrorsOf } from '@audit-log/model';
import { z } from 'zod';
import { NO_CONTROL_CHARS } from '../envelope';
import { CommandError } from './errors';

/** Parses callable input with a schema, turning issues into `invalid_argument` field errors. */
export function parseCommand<T>(schema: z.ZodType<T>, data: unknown): T {
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  throw new CommandError('invalid_argument', 'the request data breaks a rule', fieldErrorsOf(result.error.issues));
}

/** A document id as the commands accept it: no slashes, bounded. */
export const docIdSchema = z
  .string('must be a string')
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  // eslint-disable-next-line no-control-regex
  .regex(/^[^/\u0000-\u001f]+$/, 'must be a document id (no slashes or control characters)');

/** The log id of an audit entry (32 hex characters). */
export const logIdSchema = z
  .string('must be a string')
  .regex(/^[0-9a-f]{32}$/, 'must be the 32 hex characters of a log id');

// Notes keep line breaks and tabs; other control characters are refused.
// eslint-disable-next-line no-control-regex
const NOTE_CHARS = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

/** A reviewer's mandatory note: the reason for a decision, as an auditor will read it. */
export const noteSchema = z
  .string('must be a string')
  .trim()
  .min(3, 'is required: say why (at least 3 characters)')
  .max(2000, 'must be at most 2000 characters')
  .regex(NOTE_CHARS, 'must not contain control characters other than line breaks and tabs');

/** Short single-line text such as names. */
export const labelSchema = (max: number) =>
  z
    .string('must be a string')
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(NO_CONTROL_CHARS, 'must not contain control characters');
