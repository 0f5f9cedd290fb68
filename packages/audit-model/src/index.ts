/**
 * The audit model shared by the Cloud Functions, the publisher SDK and the console: the catalog and
 * its value lists, the envelope schema, validation, rejections, the collection names and the query
 * planner of `audit_logs`. Nothing here touches Firebase or Node, so it runs in a browser too. The
 * console imports the zod-free subpaths (`@audit-log/model/catalog`, `/enums`, `/query-plan`) to
 * keep zod out of its bundle.
 */
export * from './catalog';
export * from './collections';
export * from './enums';
export * from './envelope';
export * from './errors';
export * from './operation';
export * from './query-plan';
export * from './utf8';
export * from './validate';
