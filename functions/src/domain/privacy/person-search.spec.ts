import { describe, expect, it } from 'vitest';
import { KeyEncryptionKey } from './keys';
import { actorEmailSchema, actorEmailTokens, recordedActorEmail } from './person-search';

const kek = new KeyEncryptionKey(Buffer.alloc(32, 7).toString('base64'));
const blindOf = (tenantId: string) => (email: string) => kek.blindIndex(tenantId, email);

describe('search by a person through the blind index', () => {
  it('matches the clear token of entries stored in clear and the blind token of sealed ones', () => {
    const tokens = actorEmailTokens(' Ann@Example.COM ', blindOf('acme'));
    expect(tokens).toEqual(['ann@example.com', kek.blindIndex('acme', 'ann@example.com')]);
    expect(tokens[1]).toMatch(/^pii:[A-Za-z0-9_-]{22}$/);
  });

  it('gives the same mailbox unrelated tokens in two tenants (a token of one never matches the other)', () => {
    const [, inAcme] = actorEmailTokens('ann@example.com', blindOf('acme'));
    const [, inGlobex] = actorEmailTokens('ann@example.com', blindOf('globex'));
    expect(inAcme).not.toBe(inGlobex);
  });

  it('searches the clear token alone where no key-encryption key exists (nothing can be sealed)', () => {
    expect(actorEmailTokens('Ann@example.com')).toEqual(['ann@example.com']);
  });

  it('records a search by its blind token, never the clear address, when the blind index exists', () => {
    const recorded = recordedActorEmail('Ann@Example.com', blindOf('acme'));
    expect(recorded).toBe(kek.blindIndex('acme', 'ann@example.com'));
    expect(recorded.toLowerCase()).not.toContain('ann');
    expect(recordedActorEmail('Ann@Example.com')).toBe('ann@example.com');
  });

  it('accepts an address, trimmed and lower-cased, and names what is wrong with anything else', () => {
    expect(actorEmailSchema.parse('  Ann@Example.com ')).toBe('ann@example.com');
    const message = (value: unknown) => actorEmailSchema.safeParse(value).error?.issues[0]?.message;
    expect(message('ann')).toBe('must be an e-mail address (name@domain)');
    expect(message('ann @example.com')).toBe('must be an e-mail address (name@domain)');
    expect(message('a@b@c')).toBe('must be an e-mail address (name@domain)');
    expect(message('   ')).toBe('must not be empty');
    expect(message(`${'a'.repeat(250)}@x.io`)).toBe('must be at most 254 characters');
    expect(message(42)).toBe('must be an e-mail address');
  });
});
