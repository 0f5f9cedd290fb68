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
  const add = (token: string) => {
    if (token.length >= 2 && token.length <= MAX_TOKEN_LENGTH) tokens.add(token);
  };
  const addWhole = (value: string | undefined) => {
    if (value) add(value.toLowerCase());
  };
  const addWords = (value: string | undefined) => {
    if (!value) return;
    if (!NON_ASCII.test(value)) {
      // ASCII letters and digits are exactly the \p{L} and \p{N} of that range: split once, lower-cased.
      const lower = value.toLowerCase();
      add(lower);
      for (const word of lower.split(ASCII_SEPARATORS)) add(word);
      return;
    }
    add(value.toLowerCase());
    for (const word of value.split(SEPARATORS)) add(word.toLowerCase());
  };
  addWords(src.eventType);
  addWhole(src.source);
  addWhole(src.outcome);
  addWhole(src.actor.id);
  addWhole(src.actor.email);
  addWords(src.actor.name);
  addWhole(src.resource?.type);
  addWhole(src.resource?.id);
  addWords(src.resource?.name);
  addWhole(src.context?.correlationId);
  return [...tokens].slice(0, MAX_TOKENS);
}

// Anything beyond printable ASCII takes the Unicode-aware split.
const NON_ASCII = /[^\x20-\x7e]/;
const ASCII_SEPARATORS = /[^a-z0-9]+/;
const SEPARATORS = /[^\p{L}\p{N}]+/u;
