/**
 * Instants as the archive writes them: ISO 8601 in UTC with exactly six fraction digits
 * (`2025-01-31T12:00:00.123456Z`), which DuckDB parses into a microsecond TIMESTAMPTZ and prints
 * back unchanged. Firestore Timestamps carry nanoseconds; everything this system stores has at most
 * millisecond precision, and microseconds keep a margin without leaving Parquet's usual unit.
 */

/** A Firestore Timestamp seen structurally, so the domain needs no Firebase import. */
export interface Instant {
  readonly seconds: number;
  readonly nanoseconds: number;
}

/** True for a Firestore Timestamp (or anything shaped like one). */
export function isInstant(value: unknown): value is Instant {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { seconds?: unknown; nanoseconds?: unknown; toDate?: unknown };
  return typeof v.seconds === 'number' && typeof v.nanoseconds === 'number' && typeof v.toDate === 'function';
}

const ISO_MICROS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{6})Z$/;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
// One archive file covers one day, so the date prefix is formatted once per day, not per row.
let cachedDay = Number.NaN;
let cachedPrefix = '';

/** `Instant` → `YYYY-MM-DDTHH:MM:SS.ffffffZ` (nanoseconds below a microsecond are dropped). */
export function instantToIsoMicros(instant: Instant): string {
  const { seconds, nanoseconds } = instant;
  if (!Number.isInteger(seconds) || !Number.isInteger(nanoseconds) || nanoseconds < 0 || nanoseconds >= 1e9) {
    throw new RangeError(`not a valid instant: ${seconds}s ${nanoseconds}ns`);
  }
  const day = Math.floor(seconds / 86_400);
  if (day !== cachedDay) {
    cachedPrefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = seconds - day * 86_400;
  const hh = Math.floor(rest / 3600);
  rest -= hh * 3600;
  const mm = Math.floor(rest / 60);
  const micros = String(Math.floor(nanoseconds / 1000)).padStart(6, '0');
  return `${cachedPrefix}${pad2(hh)}:${pad2(mm)}:${pad2(rest - mm * 60)}.${micros}Z`;
}

/** The inverse of {@link instantToIsoMicros}; throws on any other format. */
export function isoMicrosToInstant(iso: string): Instant & { toDate(): Date } {
  const m = ISO_MICROS.exec(iso);
  if (!m) throw new RangeError(`not an ISO instant with microseconds: ${iso}`);
  const seconds = Date.parse(`${m[1]}Z`) / 1000;
  const nanoseconds = Number(m[2]) * 1000;
  return { seconds, nanoseconds, toDate: () => new Date(seconds * 1000 + Math.floor(nanoseconds / 1e6)) };
}

/** Milliseconds since the epoch of an ISO instant with microseconds (truncated). */
export function isoMicrosToMillis(iso: string): number {
  const { seconds, nanoseconds } = isoMicrosToInstant(iso);
  return seconds * 1000 + Math.floor(nanoseconds / 1e6);
}

/** The domain's instant format (`Date#toISOString`, milliseconds) of an ISO instant with microseconds. */
export function isoMicrosToIsoMillis(iso: string): string {
  return new Date(isoMicrosToMillis(iso)).toISOString();
}

/** Milliseconds → ISO with six fraction digits. */
export function millisToIsoMicros(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}
