import { getApps, initializeApp } from 'firebase-admin/app';
import { getStorage, type Storage } from 'firebase-admin/storage';
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { platform, settings } from '../config';

/** The bucket type of the Admin SDK (from @google-cloud/storage, reached without a direct dependency). */
export type Bucket = ReturnType<Storage['bucket']>;
export type StorageFile = ReturnType<Bucket['file']>;

/**
 * The bucket of exports and reports: `EXPORT_BUCKET` when set, else the project's default bucket
 * (`<project>.appspot.com`, also the Storage emulator's default for `demo-auditlog`). Clients never
 * reach it: storage.rules deny everything, downloads go through `downloadExport`.
 */
export function exportBucket(): Bucket {
  if (getApps().length === 0) initializeApp();
  const name = settings.exportBucket();
  if (name) return getStorage().bucket(name);
  try {
    return getStorage().bucket();
  } catch (err) {
    // No storageBucket in the app options (a bare initializeApp outside the functions runtime).
    const project = platform.projectId();
    if (project) return getStorage().bucket(`${project}.appspot.com`);
    throw err;
  }
}

/** Text is collected up to this size and written as one buffer: one stream write per ~256 KiB, not per row. */
const CHUNK_BYTES = 256 * 1024;

/**
 * Streams text into a Storage object, hashing it on the way (SHA-256 of exactly the bytes
 * written). Memory holds one chunk plus what the upload has in flight, whatever the object's size:
 * `write` waits for the stream to drain before it takes more.
 */
export class HashingObjectWriter {
  private readonly hash = createHash('sha256');
  private readonly stream: Writable;
  private pending: string[] = [];
  private pendingLength = 0;
  private failure: Error | undefined;
  bytes = 0;

  constructor(file: StorageFile, contentType: string, metadata: Record<string, string>) {
    this.stream = file.createWriteStream({
      resumable: true,
      // The worker hashes every byte itself; the library's MD5/CRC check of the whole object
      // would need the object read back.
      validation: false,
      metadata: { contentType, metadata },
    });
    this.stream.on('error', (err: Error) => {
      this.failure ??= err;
    });
  }

  /** Queues text; flushes a chunk when enough has collected. */
  async write(text: string): Promise<void> {
    if (text.length === 0) return;
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= CHUNK_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending.length === 0) return;
    const chunk = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingLength = 0;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await this.drained();
  }

  /** Resolves on `drain`, rejects on `error`; removes both listeners either way. */
  private drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        if (err) reject(err);
        else resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
    });
  }

  /** Writes bytes as they are (a part read back while joining), after any queued text. */
  async writeBytes(chunk: Buffer): Promise<void> {
    await this.flush();
    if (this.failure) throw this.failure;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await this.drained();
  }

  /** Flushes, finishes the upload and answers the object's SHA-256 (hex) and size. */
  async close(): Promise<{ sha256: string; bytes: number }> {
    await this.flush();
    this.stream.end();
    await finished(this.stream);
    if (this.failure) throw this.failure;
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }

  /** Gives up the upload (cancel or failure); the partial object is never created. */
  abort(): void {
    this.stream.destroy();
  }
}

/** SHA-256 and size of a stored object, read as a stream. */
export async function objectDigest(file: StorageFile): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of file.createReadStream({ validation: false }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Stores a small object in one request, retried a few times: writing the same bytes to the same
 * name is idempotent, and a reused keep-alive connection can fail with EPIPE or ECONNRESET.
 */
export async function saveObject(
  file: StorageFile,
  bytes: Buffer,
  contentType: string,
  metadata: Record<string, string>,
  attempts = 3,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await file.save(bytes, { resumable: false, metadata: { contentType, metadata } });
      return;
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Deletes objects, ignoring those that do not exist. */
export async function deleteObjects(bucket: Bucket, paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((p) => bucket.file(p).delete({ ignoreNotFound: true })));
}

/** GCS composes at most 32 sources per request. */
const MAX_COMPOSE_SOURCES = 32;

/** HTTP 501: the Storage emulator implements no compose. */
function notImplemented(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 501;
}

/**
 * Joins objects, in order, into a new object `destination` and answers its SHA-256 and size.
 * GCS composes server-side (32 sources per request, in rounds), then the result is read once to
 * hash it. Where compose is not implemented (the Storage emulator), the parts are streamed through
 * one hashing writer instead. Either way memory holds one chunk at a time.
 */
export async function joinObjects(
  bucket: Bucket,
  sources: readonly string[],
  destination: string,
  contentType: string,
  metadata: Record<string, string>,
): Promise<{ sha256: string; bytes: number }> {
  try {
    let rest = sources.slice(MAX_COMPOSE_SOURCES);
    await bucket.combine(sources.slice(0, MAX_COMPOSE_SOURCES), destination);
    while (rest.length > 0) {
      await bucket.combine([destination, ...rest.slice(0, MAX_COMPOSE_SOURCES - 1)], destination);
      rest = rest.slice(MAX_COMPOSE_SOURCES - 1);
    }
    await bucket.file(destination).setMetadata({ contentType, metadata });
    return await objectDigest(bucket.file(destination));
  } catch (err) {
    if (!notImplemented(err)) throw err;
  }
  const writer = new HashingObjectWriter(bucket.file(destination), contentType, metadata);
  try {
    for (const source of sources) {
      for await (const chunk of bucket.file(source).createReadStream({ validation: false }) as AsyncIterable<Buffer>) {
        await writer.writeBytes(chunk);
      }
    }
    return await writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  }
}
