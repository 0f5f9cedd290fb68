import { describe, expect, it } from 'vitest';
import type { Actor } from './envelope';
import { extractMetadata, type TransportContext } from './metadata';

const ACTOR: Actor = { type: 'user', id: 'u-1' };
const PUBSUB: TransportContext = { via: 'pubsub' };

describe('extractMetadata: actor ip and user agent', () => {
  it("keeps the producer's structured values over everything else", () => {
    const actor: Actor = { ...ACTOR, ip: '198.51.100.1', userAgent: 'cli/1.0' };
    const result = extractMetadata(
      actor,
      undefined,
      { ip: '198.51.100.2', userAgent: 'browser' },
      { via: 'http', callerIp: '198.51.100.3', callerUserAgent: 'curl' },
    );
    expect(result.actor).toEqual({ type: 'user', id: 'u-1', ip: '198.51.100.1', userAgent: 'cli/1.0' });
  });

  it('takes the ip from metadata in order ip, ipAddress, request.ip, then the transport', () => {
    const transport: TransportContext = { via: 'http', callerIp: '203.0.113.9' };
    const ipOf = (metadata: Record<string, unknown>) => extractMetadata(ACTOR, undefined, metadata, transport).actor.ip;
    expect(ipOf({ ip: '203.0.113.1', ipAddress: '203.0.113.2', request: { ip: '203.0.113.3' } })).toBe('203.0.113.1');
    expect(ipOf({ ipAddress: '203.0.113.2', request: { ip: '203.0.113.3' } })).toBe('203.0.113.2');
    expect(ipOf({ request: { ip: '2001:db8::3' } })).toBe('2001:db8::3');
    expect(ipOf({})).toBe('203.0.113.9');
  });

  it('skips candidates that are not valid and takes the next', () => {
    const result = extractMetadata(
      ACTOR,
      undefined,
      { ip: 'not-an-ip', ipAddress: 12, request: 'x', userAgent: 'bad\u0000agent', user_agent: 'Mozilla/5.0' },
      PUBSUB,
    );
    expect(result.actor).toEqual({ type: 'user', id: 'u-1', userAgent: 'Mozilla/5.0' });
  });

  it('takes the user agent in order userAgent, user_agent, request.userAgent, then the transport', () => {
    const transport: TransportContext = { via: 'http', callerUserAgent: 'transport' };
    const agentOf = (metadata?: Record<string, unknown>) =>
      extractMetadata(ACTOR, undefined, metadata, transport).actor.userAgent;
    expect(agentOf({ userAgent: 'a', user_agent: 'b', request: { userAgent: 'c' } })).toBe('a');
    expect(agentOf({ user_agent: 'b', request: { userAgent: 'c' } })).toBe('b');
    expect(agentOf({ request: { userAgent: 'c' } })).toBe('c');
    expect(agentOf(undefined)).toBe('transport');
  });

  it('adds nothing when nothing is known, and leaves the input actor unchanged', () => {
    const actor: Actor = { ...ACTOR };
    const result = extractMetadata(actor, undefined, undefined, PUBSUB);
    expect(result).toEqual({ actor: ACTOR, context: undefined });
    expect(result.actor).not.toBe(actor);
    extractMetadata(actor, undefined, { ip: '203.0.113.1' }, PUBSUB);
    expect(actor).toEqual(ACTOR);
  });
});

describe('extractMetadata: correlation and request ids', () => {
  it('prefers the envelope context, then the transport, then metadata', () => {
    const metadata = { correlationId: 'meta-c', requestId: 'meta-r' };
    const transport: TransportContext = { via: 'http', correlationId: 'trans-c', requestId: 'trans-r' };
    expect(extractMetadata(ACTOR, { correlationId: 'ctx-c' }, metadata, transport).context).toEqual({
      correlationId: 'ctx-c',
      requestId: 'trans-r',
    });
    expect(extractMetadata(ACTOR, undefined, metadata, transport).context).toEqual({
      correlationId: 'trans-c',
      requestId: 'trans-r',
    });
    expect(extractMetadata(ACTOR, undefined, metadata, PUBSUB).context).toEqual({
      correlationId: 'meta-c',
      requestId: 'meta-r',
    });
  });

  it('keeps the session id and refuses ids with control characters or over 128 characters', () => {
    const result = extractMetadata(
      ACTOR,
      { sessionId: 's-1' },
      { correlationId: 'c\nx', requestId: 'r'.repeat(129) },
      PUBSUB,
    );
    expect(result.context).toEqual({ sessionId: 's-1' });
  });
});
