// Moved to the shared model package (packages/audit-model), which the SDK and the console use too.
export * from '@audit-log/model/envelope';
