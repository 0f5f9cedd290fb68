import { getApps, initializeApp } from 'firebase-admin/app';
import { getStorage, type Storage } from 'firebase-admin/storage';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { platform, settings } from '../config';

/** The bucket type of the Admin SDK (from @google-cloud/storage, reached without a direct dependency). */
export type Bucket = ReturnType<Storage['bucket']>;

/**
 * The bucket of the cold tier: `ARCHIVE_BUCKET` when set, else the project's default bucket
 * (`<project>.appspot.com`, which is also the Storage emulator's default for `demo-auditlog`).
 */
export function archiveBucket(): Bucket {
  if (getApps().length === 0) initializeApp();
  const name = settings.archiveBucket();
  if (name) return getStorage().bucket(name);
  const project = platform.projectId();
  try {
    return getStorage().bucket();
  } catch (err) {
    // No storageBucket in the app options (a bare initializeApp outside the functions runtime).
    if (project) return getStorage().bucket(`${project}.appspot.com`);
    throw err;
  }
}

function sha256Tap(onDone: (digest: string, bytes: number) => void): Transform {
  const hash = createHash('sha256');
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      onDone(hash.digest('hex'), bytes);
      cb();
    },
  });
}

/** SHA-256 and size of a local file, streamed. */
export async function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Uploads a local file (single request; checksummed by the client library). */
export async function uploadFile(
  bucket: Bucket,
  localPath: string,
  objectPath: string,
  contentType: string,
  metadata: Record<string, string>,
): Promise<void> {
  await bucket.upload(localPath, {
    destination: objectPath,
    resumable: false,
    validation: 'crc32c',
    metadata: { contentType, metadata },
  });
}

/** Writes a small JSON object. */
export async function saveJson(bucket: Bucket, objectPath: string, value: unknown): Promise<void> {
  await bucket.file(objectPath).save(`${JSON.stringify(value, null, 2)}\n`, {
    resumable: false,
    contentType: 'application/json',
  });
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 404;
}

/**
 * Downloads an object to a local file, hashing it on the way. Null when the object does not exist.
 * Validation by the library is off on purpose: a corrupted object must reach our own checks (and
 * be reported as such), not fail inside the download.
 */
export async function downloadWithDigest(
  bucket: Bucket,
  objectPath: string,
  localPath: string,
): Promise<{ sha256: string; bytes: number } | null> {
  let out = { sha256: '', bytes: 0 };
  try {
    await pipeline(
      bucket.file(objectPath).createReadStream({ validation: false }),
      sha256Tap((sha256, bytes) => (out = { sha256, bytes })),
      createWriteStream(localPath),
    );
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  return out;
}

/** Deletes an object; true when it existed. */
export async function deleteObject(bucket: Bucket, objectPath: string): Promise<boolean> {
  try {
    await bucket.file(objectPath).delete();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
