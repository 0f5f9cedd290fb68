// Deployment settings of alerts, read in one place.

/**
 * Base URL of the console, for links in alert emails. Set `AUDIT_CONSOLE_URL` in the functions'
 * environment (`functions/.env.<project>`); the default is the local console of the emulator
 * set-up. A plain environment variable rather than a `params` definition, because an unset
 * param makes the offline emulator prompt for a value.
 */
export function consoleUrl(): string {
  return process.env.AUDIT_CONSOLE_URL || 'http://127.0.0.1:4200';
}
