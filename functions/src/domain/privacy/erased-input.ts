import { entryHash, type HashedEntry } from '../entry';
import { concealEntry } from './access';
import { sealedKeyIds } from './personal-fields';

/**
 * What erasure does to input the log refused or will see again. Dead letters keep the raw
 * payload of refused events (clear text: sealing happens only to entries that are stored), and a
 * redelivered event of an erased subject is sealed under the subject's next key generation, so
 * it differs from the stored entry only in its ciphertexts.
 */

type Sealable = HashedEntry & Parameters<typeof sealedKeyIds>[0];

/**
 * True when `built` is the event `stored` already holds, sealed again under another key (after
 * an erasure the subject's next key generation seals it): the two are equal with every sealed
 * value set aside. Such a redelivery is a duplicate, not a conflicting event, so its clear
 * payload never reaches a dead letter. Any difference outside sealed values is still a conflict.
 */
export function isResealedDuplicate(stored: Sealable, built: Sealable): boolean {
  if (sealedKeyIds(built).size === 0 || sealedKeyIds(stored).size === 0) return false;
  const [a, b] = [stored, built].map((e) => entryHash({ ...concealEntry(e), hash: '' } as HashedEntry));
  return a === b;
}

/**
 * Whether a dead letter's raw payload is an event of `subject` (its `actor.id`), for the purge an
 * erasure runs. A payload cut at the dead letter's size limit is no longer JSON: it is matched by
 * the actor's id as JSON spells it, which may also take a letter that names the id elsewhere (an
 * erasure errs towards removing refused input about the person, never towards keeping it).
 */
export function payloadNamesSubject(rawPayload: string, subject: string): boolean {
  try {
    const parsed = JSON.parse(rawPayload) as unknown;
    const events = isEnvelopeList(parsed) ? parsed.events : [parsed];
    return events.some((e) => actorIdOf(e) === subject);
  } catch {
    const id = JSON.stringify(subject);
    return rawPayload.includes('"actor"') && new RegExp(`"id"\\s*:\\s*${escapeRegExp(id)}`).test(rawPayload);
  }
}

function isEnvelopeList(value: unknown): value is { events: unknown[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { events?: unknown }).events);
}

function actorIdOf(event: unknown): unknown {
  if (typeof event !== 'object' || event === null) return undefined;
  const actor = (event as { actor?: unknown }).actor;
  return typeof actor === 'object' && actor !== null ? (actor as { id?: unknown }).id : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
