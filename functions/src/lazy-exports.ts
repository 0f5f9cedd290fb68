/**
 * Exports that load their module on first access. Cloud Functions (and the emulator's workers)
 * load the whole `index.js` in every instance and then take only the export named by
 * FUNCTION_TARGET; with plain re-exports an ingest instance would load the Parquet writer, the PDF
 * renderer and every console command before its first event. As getters, each instance loads
 * only its own function's module graph; function discovery, which enumerates every export, still
 * sees them all.
 */
export function exportLazily<M extends object, K extends keyof M & string>(
  target: object,
  load: () => M,
  names: readonly K[],
): void {
  for (const name of names) {
    Object.defineProperty(target, name, { enumerable: true, get: () => load()[name] });
  }
}
