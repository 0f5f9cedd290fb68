import { describe, expect, it } from 'vitest';
import { searchTokens, type TokenSource } from './tokens';

const SOURCE: TokenSource = {
  eventType: 'repo.visibility_changed',
  source: 'repo-service',
  outcome: 'success',
  actor: { type: 'user', id: 'U-42', email: 'Jane.Doe@Acme.test', name: 'Jane Doe' },
  resource: { type: 'repository', id: 'R-9', name: 'Payments API' },
  context: { correlationId: 'Corr-1' },
};

describe('searchTokens', () => {
  it('indexes whole identifiers and the words of names and event types, lower-cased', () => {
    expect(new Set(searchTokens(SOURCE))).toEqual(
      new Set([
        'repo.visibility_changed',
        'repo',
        'visibility',
        'changed',
        'repo-service',
        'success',
        'u-42',
        'jane.doe@acme.test',
        'jane doe',
        'jane',
        'doe',
        'repository',
        'r-9',
        'payments api',
        'payments',
        'api',
        'corr-1',
      ]),
    );
  });

  it('lists each token once', () => {
    const tokens = searchTokens({ ...SOURCE, resource: { type: 'repo', id: 'repo', name: 'repo' } });
    expect(tokens.filter((t) => t === 'repo')).toHaveLength(1);
  });

  it('splits words in any script and drops one-letter words', () => {
    const tokens = searchTokens({ ...SOURCE, actor: { type: 'user', id: 'x', name: 'Zoë Ångström · 李' } });
    expect(tokens).toEqual(expect.arrayContaining(['zoë', 'ångström']));
    expect(tokens).not.toContain('x');
    expect(tokens).not.toContain('李');
  });

  it('copes with the optional parts missing', () => {
    const tokens = searchTokens({
      eventType: 'auth.user.login',
      source: 'auth',
      outcome: 'failure',
      actor: { type: 'anonymous' },
    });
    expect(tokens.sort()).toEqual(['auth', 'auth.user.login', 'failure', 'login', 'user']);
  });

  it('caps the number and the length of tokens', () => {
    const name = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    const tokens = searchTokens({ ...SOURCE, resource: { type: 'repository', id: 'r'.repeat(129), name } });
    expect(tokens.length).toBe(64);
    expect(tokens).not.toContain('r'.repeat(129));
    expect(tokens.every((t) => t.length <= 128)).toBe(true);
  });
});
