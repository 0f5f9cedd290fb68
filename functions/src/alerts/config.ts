import { settings } from '../config';

/**
 * Base URL of the console, for links in alert emails: the parameter `AUDIT_CONSOLE_URL`
 * (`functions/.env`; default the local console of the emulator set-up).
 */
export function consoleUrl(): string {
  return settings.consoleUrl();
}
