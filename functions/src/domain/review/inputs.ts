import { z } from 'zod';
import { docIdSchema, logIdSchema, noteSchema } from '../commands';
import { REVIEW_DECISIONS } from './model';

/** `assignReviewer`: an admin names the reviewer of an entry. */
export const assignReviewerInputSchema = z.strictObject({
  logId: logIdSchema,
  reviewerUid: docIdSchema,
  note: z.string('must be a string').trim().max(2000, 'must be at most 2000 characters').default(''),
});

/** `decideReview`: approve, investigate or escalate, always with a note saying why. */
export const decideReviewInputSchema = z.strictObject({
  logId: logIdSchema,
  decision: z.enum(REVIEW_DECISIONS, `must be one of ${REVIEW_DECISIONS.join(', ')}`),
  note: noteSchema,
});

/** `confirmReview`: the second reviewer of a two-person item confirms the waiting approval. */
export const confirmReviewInputSchema = z.strictObject({
  logId: logIdSchema,
  note: noteSchema,
});

/** `runReviewEscalation`: the admin entry point of the scheduled deadline escalation. */
export const runEscalationInputSchema = z.strictObject({
  tenantId: z
    .string('must be a string')
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a tenant id')
    .optional(),
});
