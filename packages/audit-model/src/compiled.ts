import { z } from 'zod';

/**
 * zod's ahead-of-time compiled form of a schema, generated on first use: a clone whose parse runs
 * one generated function (no per-node dispatch) and hands anything that function does not accept
 * to the runtime parser, so results and issues are the runtime's. Generating takes milliseconds
 * (about 11 ms for the envelope); deferring it keeps that off the cold start of every function
 * that loads the domain without validating anything.
 */
export function compiledOnDemand<T extends z.ZodType>(schema: T): () => T {
  let compiled: T | undefined;
  return () => (compiled ??= z.compile(schema));
}
