import type { Response } from 'express';
import type { Firestore } from 'firebase-admin/firestore';
import type { Request } from 'firebase-functions/v2/https';
import { envelopeSchema } from '../domain';
import { ApiError } from '../domain/api';
import { watermarkOf } from '../domain/streams';
import { StreamStore } from '../streams/stream-store';
import { authenticate } from './auth';
import { queryParams, routeParams, sendJson } from './router';

/** Stored sequence numbers read above the detector's last known prefix, at most, per request. */
export const WATERMARK_SCAN_LIMIT = 1000;

/**
 * `GET /v1/streams/{source}/watermark`: how far the key's tenant has stored the stream of
 * `source`. The detector's state gives the prefix known at its last run; the stored numbers
 * above it (one bounded index query) bring the answer up to now, so a producer can confirm its
 * own recent events without waiting for the next detector run.
 */
export async function getWatermark(db: Firestore, req: Request, res: Response): Promise<void> {
  const principal = await authenticate(db, req);
  const source = parseSource(routeParams(res).source ?? '');
  const from = parseFrom(queryParams(req).from);
  const store = new StreamStore(db);
  const known = await store.knownContiguous(principal.tenantId, source);
  const scannedFrom = Math.max(known + 1, from ?? 0);
  const stored = await store.storedSequences(
    principal.tenantId,
    source,
    { from: scannedFrom, to: Number.MAX_SAFE_INTEGER },
    WATERMARK_SCAN_LIMIT,
  );
  const complete = stored.length < WATERMARK_SCAN_LIMIT;
  sendJson(res, 200, { tenantId: principal.tenantId, ...watermarkOf(source, known, scannedFrom, stored, complete) });
}

function parseSource(raw: string): string {
  const parsed = envelopeSchema.shape.source.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ApiError('invalid_argument', 'invalid stream source', {
    errors: parsed.error.issues.map((i) => ({ path: 'source', message: i.message })),
  });
}

function parseFrom(values: readonly string[] | undefined): number | undefined {
  if (values === undefined) return undefined;
  const value = values.length === 1 && /^\d{1,16}$/.test(values[0]!) ? Number(values[0]) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new ApiError('invalid_argument', 'invalid from', {
      errors: [{ path: 'from', message: 'must be one integer >= 0' }],
    });
  }
  return value;
}
