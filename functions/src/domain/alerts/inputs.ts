import { z } from 'zod';
import { docIdSchema } from '../commands';

/** `markNotificationsRead`: some notifications by id, or all of the caller's unread ones. */
export const markNotificationsReadInputSchema = z
  .strictObject({
    ids: z.array(docIdSchema).max(100, 'must list at most 100 ids').optional(),
    all: z.boolean('must be true or false').optional(),
  })
  .refine((input) => (input.ids !== undefined) !== (input.all === true), {
    message: 'give either ids or all: true',
  });

/** `runWebhookRetries`: the admin entry point of the scheduled retry sweep. */
export const runWebhookRetriesInputSchema = z.strictObject({});
