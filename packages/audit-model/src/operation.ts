import type { Operation } from './envelope';

// The last segment of an event type says what happened to the resource. Order matters:
// the first matching rule wins, so specific verbs precede the catch-all UPDATE.
const OPERATION_BY_VERB: ReadonlyArray<readonly [RegExp, Operation]> = [
  [/^(created|added|opened|invited|uploaded|registered|forked)$/, 'CREATE'],
  [/^(deleted|removed|destroyed|purged|revoked|archived)$/, 'DELETE'],
  [/^(viewed|read|accessed|downloaded|exported|cloned|listed|searched)$/, 'READ'],
  [
    /^(login|logout|failed|expired|refreshed|verified|allowed|denied|merged|committed|detected|requested|reviewed|approved|executed|ran|triggered|denials)$/,
    'EXECUTE',
  ],
];

// Producers send the same few hundred event types over and over, so the answers are kept. The
// cache is bounded, so a stream of made-up event types cannot grow it without limit.
const CACHE_LIMIT = 10_000;
const derived = new Map<string, Operation>();

/**
 * The operation an event type implies when the producer did not state one. The verb is the last
 * word of the last segment: `org.member_added` → `added` → CREATE.
 */
export function deriveOperation(eventType: string): Operation {
  let operation = derived.get(eventType);
  if (operation === undefined) {
    operation = operationOfVerb(eventType);
    if (derived.size >= CACHE_LIMIT) derived.clear();
    derived.set(eventType, operation);
  }
  return operation;
}

function operationOfVerb(eventType: string): Operation {
  const segment = eventType.slice(eventType.lastIndexOf('.') + 1);
  const verb = segment.slice(segment.lastIndexOf('_') + 1);
  for (const [pattern, operation] of OPERATION_BY_VERB) {
    if (pattern.test(verb)) return operation;
  }
  return 'UPDATE';
}
