/** Collection names of the public contract. */
export const COLLECTIONS = {
  logs: 'audit_logs',
  deadLetters: 'audit_dead_letters',
  outbox: 'audit_outbox',
  archives: 'audit_archives',
  checkpoints: 'audit_checkpoints',
  tenants: 'tenants',
  notifications: 'notifications',
  exports: 'audit_exports',
  reports: 'audit_reports',
  downloadLinks: 'audit_download_links',
} as const;
