import { verifyFreshIdToken } from '../commands/fresh-token';
import { Timestamp, type Firestore } from 'firebase-admin/firestore';
import type { Request } from 'firebase-functions/v2/https';
import type { Response } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { clientFailureOf } from '../domain';
import {
  DOWNLOAD_LINK_TTL_MS,
  assertExport,
  assertJobVisible,
  downloadEvent,
  exportRequester,
  parseDownloadRequest,
  reportRequester,
  type ExportCaller,
  type JobKind,
  type Requester,
} from '../domain/export';
import { COLLECTIONS } from '../store/collections';
import type { Bucket } from './storage';

/**
 * Downloads of finished exports and reports. Clients never touch Storage: a caller either asks
 * `createDownloadLink` for a single-use link valid five minutes (what the console's download
 * button opens, so the browser streams the file straight to disk), or calls `downloadExport` with
 * `Authorization: Bearer <ID token>` and `?kind=&id=` (scripts). Both check tenant and role, and
 * every download is itself an audit entry.
 */

export interface DownloadDeps {
  db: Firestore;
  bucket: Bucket;
  now(): Date;
  audit(envelope: Record<string, unknown>, deadLetterId: string): Promise<void>;
}

/** The file of a finished job, as the job document records it. */
interface FileOfJob {
  tenantId: string;
  objectPath: string;
  contentType: string;
  fileName: string;
  sha256: string;
  bytes: number;
}

function requesterFor(kind: JobKind, caller: ExportCaller | undefined): Requester {
  return kind === 'export' ? exportRequester(caller) : reportRequester(caller);
}

/** The finished job's file, for a caller of its tenant; `not_found` or `failed_precondition` otherwise. */
async function finishedFile(db: Firestore, kind: JobKind, id: string, requester: Requester): Promise<FileOfJob> {
  const snap = await db
    .collection(kind === 'export' ? COLLECTIONS.exports : COLLECTIONS.reports)
    .doc(id)
    .get();
  const data = snap.data();
  assertJobVisible(requester, data?.tenantId as string | undefined);
  assertExport(data?.state === 'succeeded', 'failed_precondition', `the ${kind} has not finished successfully`);
  return {
    tenantId: data.tenantId as string,
    objectPath: data.objectPath as string,
    contentType: data.contentType as string,
    fileName: data.fileName as string,
    sha256: data.sha256 as string,
    bytes: data.bytes as number,
  };
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a single-use download link for a finished job of the caller's tenant. */
export async function issueDownloadLink(
  deps: DownloadDeps,
  caller: ExportCaller | undefined,
  input: unknown,
): Promise<{ token: string; path: string; expiresAt: string }> {
  const { kind, id } = parseDownloadRequest(input);
  const requester = requesterFor(kind, caller);
  await finishedFile(deps.db, kind, id, requester);
  // Only the token's hash is stored: the link document alone does not open the file.
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(deps.now().getTime() + DOWNLOAD_LINK_TTL_MS);
  await deps.db
    .collection(COLLECTIONS.downloadLinks)
    .doc(tokenHash(token))
    .create({
      tenantId: requester.tenantId,
      kind,
      jobId: id,
      requester,
      expiresAt: Timestamp.fromDate(expiresAt),
      usedAt: null,
    });
  return { token, path: `downloadExport?token=${token}`, expiresAt: expiresAt.toISOString() };
}

/** Redeems a link once: the job and who created the link, or `link_expired`. */
async function redeem(deps: DownloadDeps, token: string): Promise<{ kind: JobKind; id: string; requester: Requester }> {
  const ref = deps.db.collection(COLLECTIONS.downloadLinks).doc(tokenHash(token));
  return deps.db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const data = snap.data();
    assertExport(data, 'link_expired', 'this download link is not valid');
    const expiresAt = (data.expiresAt as Timestamp).toMillis();
    assertExport(
      data.usedAt === null && expiresAt > deps.now().getTime(),
      'link_expired',
      'this download link has expired',
    );
    tx.update(ref, { usedAt: Timestamp.fromDate(deps.now()) });
    return { kind: data.kind as JobKind, id: data.jobId as string, requester: data.requester as Requester };
  });
}

async function callerFromIdToken(req: Request): Promise<ExportCaller | undefined> {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return undefined;
  // With the revocation check: a user whose sessions were revoked (a removed role, a lost
  // device) cannot keep downloading with the hour-long token they still hold.
  const decoded = await verifyFreshIdToken(match[1]!);
  return decoded === null ? undefined : { uid: decoded.uid, token: decoded };
}

/** ASCII-safe `Content-Disposition` (file names are built from tenant id and time only). */
function disposition(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}

/**
 * Status and JSON body of a refused download. Statuses come from the failure table; the body keeps
 * this endpoint's own shape (`{error: {code, message}}`, no field errors, no headers), which is
 * older than the `api` function's and is kept as download clients know it.
 */
function downloadRefusal(err: unknown): { status: number; body: { error: { code: string; message: string } } } {
  const failure = clientFailureOf(err);
  if (failure === undefined) return { status: 500, body: { error: { code: 'internal', message: 'internal error' } } };
  return { status: failure.route.status, body: { error: { code: failure.code, message: failure.message } } };
}

/** `GET downloadExport?token=…` or `GET downloadExport?kind=&id=` with a Bearer ID token: streams the file. */
export async function handleDownload(deps: DownloadDeps, req: Request, res: Response): Promise<void> {
  try {
    assertExport(req.method === 'GET' || req.method === 'HEAD', 'invalid_argument', 'use GET');
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    let job: { kind: JobKind; id: string; requester: Requester };
    if (token !== undefined) {
      job = await redeem(deps, token);
    } else {
      const caller = await callerFromIdToken(req);
      const { kind, id } = parseDownloadRequest({ kind: req.query.kind, id: req.query.id });
      job = { kind, id, requester: requesterFor(kind, caller) };
    }
    const file = await finishedFile(deps.db, job.kind, job.id, job.requester);
    const delivery = `${job.id}-${randomBytes(6).toString('hex')}`;
    await deps.audit(
      downloadEvent(
        {
          tenantId: file.tenantId,
          occurredAt: deps.now(),
          kind: job.kind,
          jobId: job.id,
          requester: job.requester,
          sha256: file.sha256,
        },
        delivery,
      ),
      `download-${delivery}`,
    );
    res.status(200);
    res.set({
      'Content-Type': file.contentType,
      'Content-Disposition': disposition(file.fileName),
      'Content-Length': String(file.bytes),
      'Cache-Control': 'no-store',
      'X-Content-SHA256': file.sha256,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(deps.bucket.file(file.objectPath).createReadStream({ validation: false }), res);
  } catch (err) {
    if (res.headersSent) {
      res.destroy(err instanceof Error ? err : undefined);
      return;
    }
    const { status, body } = downloadRefusal(err);
    res.status(status).json(body);
  }
}
