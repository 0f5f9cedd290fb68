/** Shared parts of the console's command callables: callers, typed errors, input parsing. */
export * from './access';
export * from './errors';
export * from './input';
