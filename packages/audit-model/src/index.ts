/**
 * The audit model shared by the Cloud Functions, the publisher SDK and the console: the catalog and
 * its value lists, the envelope schema, validation, rejections, the collection names, the stored
 * entry's shape, the query planner of `audit_logs` and the request and response types of every
 * callable. Nothing here touches Firebase or Node, so it runs in a browser too. The console imports
 * the zod-free subpaths (`@audit-log/model/callables`, `/catalog`, `/entry`, `/enums`,
 * `/filter-summary`, `/query-plan`) to keep zod out of its bundle.
 */
export * from './access';
export type * from './callables';
export * from './catalog';
export * from './classification';
export * from './collections';
export * from './entry';
export * from './enums';
export * from './envelope';
export * from './errors';
export * from './filter-summary';
export * from './operation';
export * from './query-plan';
export * from './review';
export * from './risk';
export * from './rollup';
export * from './rollup-period';
export * from './utf8';
export * from './validate';
export * from './sealed';
