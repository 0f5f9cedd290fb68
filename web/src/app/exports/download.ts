import { InjectionToken } from '@angular/core';

/**
 * Base URL of the HTTP functions (`…/<project>/<region>`), for the download endpoint. Provided in
 * app.config.ts next to the rest of the Firebase wiring.
 */
export const FUNCTIONS_BASE_URL = new InjectionToken<string>('FUNCTIONS_BASE_URL');

/**
 * Starts a browser download of `url` (a single-use link): the browser streams the file to disk,
 * so even a multi-gigabyte export never sits in the page's memory.
 */
export function startDownload(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener';
  a.download = '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
