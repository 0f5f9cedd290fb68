import type { Response } from 'express';
import { onRequest, type Request } from 'firebase-functions/v2/https';
import { REGION } from '../config';
import { firestore } from '../firebase';
import { getEvents } from './events-get';
import { postEvents } from './events-post';
import { openApiDocument } from './openapi';
import { tenantSettingsReader } from '../tenants/tenant-settings';
import { RateLimiter } from './rate-store';
import { createRouter, sendJson } from './router';
import { getWatermark } from './watermark-get';

interface Limiters {
  tenant: RateLimiter;
  key: RateLimiter;
  read: RateLimiter;
}
let limiters: Limiters | undefined;
/** The API's budgets: the tenant's ingest, each key's share of it, and reads; one limiter each. */
function rateLimiters(): Limiters {
  const db = firestore();
  const tenants = tenantSettingsReader(db);
  limiters ??= {
    tenant: new RateLimiter(db, tenants),
    key: new RateLimiter(db, tenants, Date.now, Math.random, 'key'),
    read: new RateLimiter(db, tenants, Date.now, Math.random, 'read'),
  };
  return limiters;
}

/** The routes of the `api` function; exported so tests can drive the handler directly. */
export const handleApiRequest: (req: Request, res: Response) => Promise<void> = createRouter([
  {
    path: '/v1/events',
    methods: {
      POST: (req, res) => postEvents(firestore(), rateLimiters(), req, res),
      GET: (req, res) => getEvents(firestore(), rateLimiters().read, req, res),
    },
  },
  {
    path: '/v1/streams/{source}/watermark',
    methods: { GET: (req, res) => getWatermark(firestore(), req, res) },
  },
  {
    path: '/v1/openapi.json',
    methods: {
      GET: (_req, res) => {
        sendJson(res, 200, openApiDocument());
        return Promise.resolve();
      },
    },
  },
]);

/**
 * `https://<region>-<project>.cloudfunctions.net/api/v1/...`: the HTTP ingest and query API.
 * No CORS: callers are servers holding a tenant API key, never browsers.
 */
export const api = onRequest(
  {
    region: REGION,
    memory: '512MiB',
    timeoutSeconds: 120,
    concurrency: 40,
    cors: false,
  },
  handleApiRequest,
);
