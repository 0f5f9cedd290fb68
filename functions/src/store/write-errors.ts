/**
 * The outcomes of a conditional Firestore write that callers expect and handle, by their gRPC
 * codes as the Admin SDK reports them. Every other failure is a real error.
 */

/** The gRPC code a failed Firestore call carries; undefined for errors raised before the call. */
export function grpcCodeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

/** ALREADY_EXISTS: a `create()` found the document there. */
export function isAlreadyExists(err: unknown): boolean {
  return grpcCodeOf(err) === 6;
}

/** NOT_FOUND: an `update()` found no document. */
export function isNotFound(err: unknown): boolean {
  return grpcCodeOf(err) === 5;
}

/** FAILED_PRECONDITION: the document changed since the read the write was conditioned on. */
export function isFailedPrecondition(err: unknown): boolean {
  return grpcCodeOf(err) === 9;
}
