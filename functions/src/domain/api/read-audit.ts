import { API_KEY_AUDIT_SOURCE } from './api-key-admin';
import type { ApiPrincipal } from './api-keys';
import { recordedActorEmail, type BlindIndexOf } from '../privacy/person-search';

/** Event type of a `GET /v1/events` read; the `.listed` suffix classifies it as DATA_ACCESS. */
export const EVENTS_READ_EVENT = 'api.events.listed';

/** Filters kept per parameter: enough to tell what was asked, bounded whatever a caller sends. */
const MAX_FILTER_VALUES = 10;
const MAX_FILTER_CHARS = 256;

export interface EventsReadInput {
  principal: ApiPrincipal;
  /** The query parameters as the request carried them; the cursor is summarised, not copied. */
  params: Readonly<Record<string, readonly string[]>>;
  returned: number;
  more: boolean;
  /** Unique per request (the read is an event in its own right, never a duplicate of another). */
  readId: string;
  occurredAt: string;
  /** The tenant's blind index, so a searched address is recorded as its token, never in clear. */
  blindIndex?: BlindIndexOf | undefined;
}

/** The query parameter of a search by a person's address (see `person-search`). */
const ACTOR_EMAIL_PARAM = 'actor_email';

function summariseFilters(params: EventsReadInput['params'], blindIndex?: BlindIndexOf): Record<string, unknown> {
  const filters: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(params).slice(0, 20)) {
    if (name === 'cursor') continue;
    const kept = values.slice(0, MAX_FILTER_VALUES);
    // The read is recorded after the query planned, so the address is a valid one.
    filters[name.slice(0, 64)] =
      name === ACTOR_EMAIL_PARAM
        ? kept.map((v) => recordedActorEmail(v, blindIndex))
        : kept.map((v) => v.slice(0, MAX_FILTER_CHARS));
  }
  return filters;
}

/**
 * The audit envelope of one read of the log through the API: one entry per request (not per
 * row), naming the key, the filters, whether it continued a cursor, and how many entries it
 * returned. Recorded under the API's own system source, so no producer can forge or squat it.
 */
export function eventsReadEvent(input: EventsReadInput): Record<string, unknown> {
  return {
    specVersion: '1.0',
    eventId: `events-read-${input.readId}`,
    eventType: EVENTS_READ_EVENT,
    tenantId: input.principal.tenantId,
    occurredAt: input.occurredAt,
    source: API_KEY_AUDIT_SOURCE,
    actor: { type: 'service_account', id: `api-key:${input.principal.keyId}` },
    resource: { type: 'audit_log', id: input.principal.tenantId },
    operation: 'READ',
    outcome: 'success',
    changes: {
      before: null,
      after: {
        filters: summariseFilters(input.params, input.blindIndex),
        continued: input.params.cursor !== undefined,
        returned: input.returned,
        more: input.more,
      },
    },
  };
}
