import type { Actor, Resource } from './envelope';

const MAX_TOKENS = 64;
const MAX_TOKEN_LENGTH = 128;

export interface TokenSource {
  eventType: string;
  source: string;
  outcome: string;
  actor: Actor;
  resource?: Resource | undefined;
  context?: { correlationId?: string | undefined } | undefined;
}

/**
 * Lower-cased keywords for `array-contains` search: whole identifiers (so a pasted id or email
 * matches) and the words of names and event types. Only structured fields contribute; free-form
 * `changes` and `metadata` never do, so nothing redacted can leak into the index.
 */
export function searchTokens(src: TokenSource): string[] {
  const tokens = new Set<string>();
  const add = (value: string | undefined) => {
    if (!value) return;
    const token = value.toLowerCase();
    if (token.length >= 2 && token.length <= MAX_TOKEN_LENGTH) tokens.add(token);
  };
  const addWords = (value: string | undefined) => {
    if (!value) return;
    add(value);
    for (const word of value.split(/[^\p{L}\p{N}]+/u)) add(word);
  };
  addWords(src.eventType);
  add(src.source);
  add(src.outcome);
  add(src.actor.id);
  add(src.actor.email);
  addWords(src.actor.name);
  add(src.resource?.type);
  add(src.resource?.id);
  addWords(src.resource?.name);
  add(src.context?.correlationId);
  return [...tokens].slice(0, MAX_TOKENS);
}
