import type { Response } from 'express';
import type { Request } from 'firebase-functions/v2/https';
import { describe, expect, it } from 'vitest';
import { createRouter, routeParams, sendJson } from './router';

/** The parts of an Express response the router uses. */
function fakeResponse() {
  const answer: { status?: number; body?: unknown } = {};
  const res = {
    locals: {} as Record<string, unknown>,
    headersSent: false,
    status(code: number) {
      answer.status = code;
      return res;
    },
    set() {
      return res;
    },
    json(body: unknown) {
      answer.body = body;
      return res;
    },
  };
  return { res: res as unknown as Response, answer };
}

const request = (path: string, method = 'GET') => ({ path, method }) as unknown as Request;

describe('router', () => {
  const route = createRouter([
    {
      path: '/v1/streams/{source}/watermark',
      methods: {
        GET: (_req, res) => {
          sendJson(res, 200, routeParams(res));
          return Promise.resolve();
        },
      },
    },
  ]);

  it('matches {name} segments and decodes them (a source may hold a slash)', async () => {
    const { res, answer } = fakeResponse();
    await route(request('/v1/streams/repo-service%2Fpod-3/watermark'), res);
    expect(answer).toEqual({ status: 200, body: { source: 'repo-service/pod-3' } });
  });

  it('answers 400 with the field for a segment that is not valid percent-encoding, 404 for other paths', async () => {
    const bad = fakeResponse();
    await route(request('/v1/streams/%E0%A4%A/watermark'), bad.res);
    expect(bad.answer.status).toBe(400);
    expect(bad.answer.body).toMatchObject({ error: { code: 'invalid_argument', errors: [{ path: 'source' }] } });
    const missing = fakeResponse();
    await route(request('/v1/streams/a/b/watermark'), missing.res);
    expect(missing.answer.status).toBe(404);
  });
});
