import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EventFactory, type AuditEvent } from './builders';
import { AuditClientError } from './errors';
import { chunkEvents, HttpSink } from './http';
import type { RetryDeps } from './retry';

interface Seen {
  authorization: string | undefined;
  requestId: string | undefined;
  body: { events: AuditEvent[] };
}
type Reply = (seen: Seen, res: ServerResponse) => void;

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A real HTTP server on a free port that answers each request with the next scripted reply. */
async function api(replies: Reply[]): Promise<{ baseUrl: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Seen = {
        authorization: req.headers.authorization,
        requestId: req.headers['x-request-id'] as string | undefined,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Seen['body'],
      };
      seen.push(entry);
      const reply = replies[Math.min(seen.length - 1, replies.length - 1)]!;
      reply(entry, res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/demo-auditlog/us-central1/api`, seen };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const accepted: Reply = (seen, res) =>
  json(res, 202, {
    accepted: seen.body.events.length,
    rejected: 0,
    results: seen.body.events.map((e, index) => ({
      index,
      eventId: e.eventId,
      status: 'stored',
      logId: `log-${index}`,
    })),
  });

const noWait: RetryDeps = { sleep: () => Promise.resolve(), random: () => 0 };
const factory = new EventFactory({ source: 'issues' });
const events = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    factory.events.issueCreated({
      tenantId: 'acme',
      actor: { type: 'user', id: 'u-1' },
      resource: { type: 'issue', id: `i-${i}` },
      changes: { after: { title: `Issue ${i}` } },
    }),
  );

describe('HttpSink', () => {
  it('posts a batch with the API key and maps the per-event results', async () => {
    const { baseUrl, seen } = await api([accepted]);
    const sink = new HttpSink({ apiKey: 'alk_acme.0123456789abcdef.secret', baseUrl, retryDeps: noWait });
    const batch = events(3);
    const results = await sink.send(batch);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toBe('Bearer alk_acme.0123456789abcdef.secret');
    expect(seen[0]!.body.events.map((e) => e.eventId)).toEqual(batch.map((e) => e.eventId));
    expect(results).toEqual(batch.map((e, i) => ({ eventId: e.eventId, status: 'stored', id: `log-${i}` })));
  });

  it('reports events the server rejected inside an accepted batch', async () => {
    const { baseUrl } = await api([
      (seen, res) =>
        json(res, 202, {
          results: [
            { index: 0, status: 'stored', logId: 'a' },
            { index: 1, status: 'rejected', reason: 'unknown_tenant', errors: [{ path: 'tenantId', message: 'x' }] },
          ],
        }),
    ]);
    const [first, second] = await new HttpSink({ apiKey: 'k', baseUrl, retryDeps: noWait }).send(events(2));
    expect(first!.status).toBe('stored');
    expect(second).toMatchObject({ status: 'rejected', reason: 'unknown_tenant', errors: [{ path: 'tenantId' }] });
  });

  it('retries 429 and 5xx with the same request id, then succeeds', async () => {
    const { baseUrl, seen } = await api([
      (_, res) => json(res, 429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '2' }),
      (_, res) => json(res, 503, { error: { code: 'unavailable', message: 'busy' } }),
      accepted,
    ]);
    const delays: number[] = [];
    const sink = new HttpSink({
      apiKey: 'k',
      baseUrl,
      retryDeps: { sleep: (ms) => (delays.push(ms), Promise.resolve()), random: () => 0 },
    });
    const [result] = await sink.send(events(1));
    expect(result!.status).toBe('stored');
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.requestId)).size).toBe(1);
    expect(delays[0]).toBe(2000);
  });

  it('fails with a stable code and the field errors on 400, without retrying', async () => {
    const { baseUrl, seen } = await api([
      (_, res) =>
        json(res, 400, {
          error: {
            code: 'invalid_events',
            message: 'every event is invalid',
            errors: [{ path: 'events[0].tenantId', message: 'must name an existing tenant' }],
          },
        }),
    ]);
    const error = await new HttpSink({ apiKey: 'k', baseUrl, retryDeps: noWait })
      .send(events(1))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditClientError);
    expect(error).toMatchObject({ code: 'http_invalid', status: 400 });
    expect((error as AuditClientError).errors).toEqual([
      { path: 'events[0].tenantId', message: 'must name an existing tenant' },
    ]);
    expect(seen).toHaveLength(1);
  });

  it.each([
    [401, 'http_unauthorized'],
    [403, 'http_forbidden'],
    [413, 'http_too_large'],
  ] as const)('maps %i to %s', async (status, code) => {
    const { baseUrl, seen } = await api([(_, res) => json(res, status, { error: { code: 'x', message: 'no' } })]);
    await expect(new HttpSink({ apiKey: 'k', baseUrl, retryDeps: noWait }).send(events(1))).rejects.toMatchObject({
      code,
      status,
    });
    expect(seen).toHaveLength(1);
  });

  it('gives up on a rate limit that persists, as http_rate_limited', async () => {
    const { baseUrl, seen } = await api([(_, res) => json(res, 429, {})]);
    const sink = new HttpSink({ apiKey: 'k', baseUrl, retryDeps: noWait, retry: { maxAttempts: 3 } });
    await expect(sink.send(events(1))).rejects.toMatchObject({ code: 'http_rate_limited', status: 429 });
    expect(seen).toHaveLength(3);
  });

  it('splits more than 500 events into several requests', async () => {
    const { baseUrl, seen } = await api([accepted]);
    const results = await new HttpSink({ apiKey: 'k', baseUrl, retryDeps: noWait }).send(events(501));
    expect(seen.map((s) => s.body.events.length)).toEqual([500, 1]);
    expect(results).toHaveLength(501);
  });

  it('refuses an invalid event before sending anything', async () => {
    const { baseUrl, seen } = await api([accepted]);
    const [event] = events(1);
    const bad = { ...event!, tenantId: 'not valid!' };
    await expect(new HttpSink({ apiKey: 'k', baseUrl, retryDeps: noWait }).send([bad])).rejects.toThrow(/contract/);
    expect(seen).toHaveLength(0);
  });
});

describe('chunkEvents', () => {
  it('also splits by size', () => {
    const chunks = chunkEvents(events(10), 2_000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flat()).toHaveLength(10);
  });
});
