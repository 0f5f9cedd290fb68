/** Collection names of the public contract. */
export const COLLECTIONS = {
  logs: 'audit_logs',
  /** Review state of the entries that require review, one per entry (`audit_logs` never changes). */
  reviews: 'audit_reviews',
  deadLetters: 'audit_dead_letters',
  /** Server only: the unredacted payload of a dead letter whose copy was redacted, for replay. */
  deadLetterPayloads: 'audit_dead_letter_payloads',
  outbox: 'audit_outbox',
  archives: 'audit_archives',
  checkpoints: 'audit_checkpoints',
  /** Public keys of the checkpoint chain, by key id (readable by every signed-in audit reader). */
  checkpointKeys: 'audit_checkpoint_keys',
  /** Verification runs of a tenant. */
  integrityRuns: 'audit_integrity_runs',
  /** Daily figures of a tenant, `{tenantId}~{YYYY-MM-DD}` (docs/analytics.md). */
  rollups: 'audit_rollups',
  tenants: 'tenants',
  notifications: 'notifications',
  exports: 'audit_exports',
  reports: 'audit_reports',
  downloadLinks: 'audit_download_links',
  /** A tenant's streams to external sinks: configuration, cursor and health (docs/streams.md). */
  sinks: 'audit_sinks',
  /** Server only: each stream's signing key, never readable by any client. */
  sinkSecrets: 'audit_sink_secrets',
  /**
   * Server only: the wrapped data key of each data subject, by subject reference (docs/privacy.md);
   * deleting a key erases the subject's personal data from every entry and archive.
   */
  dataKeys: 'audit_data_keys',
  /** Erasure requests of data subjects, approved by a second person (docs/privacy.md). */
  erasures: 'audit_erasures',
} as const;
