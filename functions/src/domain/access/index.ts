/** Reads of the audit log recorded as entries of the log: console reports and cold searches. */
export * from './archive-search';
export * from './query-record';
export * from './record-access';
