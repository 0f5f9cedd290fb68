/** Collection names of the public contract. */
export const COLLECTIONS = {
  logs: 'audit_logs',
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
  tenants: 'tenants',
  notifications: 'notifications',
  exports: 'audit_exports',
  reports: 'audit_reports',
  downloadLinks: 'audit_download_links',
} as const;
