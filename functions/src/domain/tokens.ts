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
  // A handful of tokens per event: a list searched linearly keeps them unique, in first-seen
  // order, for less than a Set costs to build and spread.
  const tokens: string[] = [];
  const add = (token: string) => {
    if (
      token.length >= 2 &&
      token.length <= MAX_TOKEN_LENGTH &&
      tokens.length < MAX_TOKENS &&
      !tokens.includes(token)
    ) {
      tokens.push(token);
    }
  };
  const addWhole = (value: string | undefined) => {
    if (value) add(value.toLowerCase());
  };
  const addWords = (value: string | undefined) => {
    if (!value) return;
    if (!NON_ASCII.test(value)) {
      // ASCII letters and digits are exactly the \p{L} and \p{N} of that range: cut the
      // lower-cased text at everything else, in one pass.
      const lower = value.toLowerCase();
      add(lower);
      let start = -1;
      for (let i = 0; i <= lower.length; i++) {
        const c = i < lower.length ? lower.charCodeAt(i) : 0;
        if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
          if (start < 0) start = i;
        } else if (start >= 0) {
          if (i - start >= 2) add(lower.slice(start, i));
          start = -1;
        }
      }
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
  return tokens;
}

// Anything beyond printable ASCII takes the Unicode-aware split.
const NON_ASCII = /[^\x20-\x7e]/;
const SEPARATORS = /[^\p{L}\p{N}]+/u;
