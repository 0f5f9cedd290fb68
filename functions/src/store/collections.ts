/** Collection names of the public contract. */
export const COLLECTIONS = {
  logs: 'audit_logs',
  deadLetters: 'audit_dead_letters',
  outbox: 'audit_outbox',
  archives: 'audit_archives',
  checkpoints: 'audit_checkpoints',
  tenants: 'tenants',
  notifications: 'notifications',
} as const;
