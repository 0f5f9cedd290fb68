import type { CallableOutput } from '@audit-log/model/callables';
import { Timestamp } from 'firebase-admin/firestore';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { requestCaller, runCallable } from '../commands/callable';
import { markNotificationsReadInputSchema } from '../domain/alerts';
import { assertCommand, parseCommand } from '../domain/commands';
import { firestore } from '../firebase';
import { COLLECTIONS } from '../store/collections';

/**
 * `markNotificationsRead`: `{ids}` or `{all: true}`. Clients never write notifications (the
 * rules refuse it); this callable changes only `read` and `readAt`, and only on the caller's own
 * notifications in the caller's tenant. Ids of anyone else's are silently skipped.
 */
export function handleMarkNotificationsRead(
  request: CallableRequest,
): Promise<CallableOutput<'markNotificationsRead'>> {
  return runCallable('markNotificationsRead', async () => {
    const caller = requestCaller(request);
    assertCommand(caller.tenantId !== null, 'permission_denied', 'only members of a tenant receive notifications');
    const input = parseCommand(markNotificationsReadInputSchema, request.data);
    const db = firestore();
    const col = db.collection(COLLECTIONS.notifications);
    const snaps = input.ids
      ? input.ids.length > 0
        ? await db.getAll(...input.ids.map((id) => col.doc(id)))
        : []
      : (
          await col
            .where('tenantId', '==', caller.tenantId)
            .where('recipientUid', '==', caller.uid)
            .where('read', '==', false)
            .limit(500)
            .get()
        ).docs;
    const mine = snaps.filter(
      (s) =>
        s.exists &&
        s.get('recipientUid') === caller.uid &&
        s.get('tenantId') === caller.tenantId &&
        s.get('read') !== true,
    );
    if (mine.length === 0) return { updated: 0 };
    const batch = db.batch();
    const readAt = Timestamp.now();
    for (const snap of mine) batch.update(snap.ref, { read: true, readAt });
    await batch.commit();
    return { updated: mine.length };
  });
}
