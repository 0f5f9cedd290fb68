import { EMULATOR_API_URL } from './http';
import { AuditClientError } from './errors';

/** An inclusive range of sequence numbers. */
export interface SequenceRange {
  from: number;
  to: number;
}

/** The answer of `GET /v1/streams/{source}/watermark` (see the OpenAPI document). */
export interface StreamWatermark {
  source: string;
  highestContiguous: number;
  scannedFrom: number;
  scannedThrough: number;
  missing: SequenceRange[];
  complete: boolean;
}

/** Where a producer learns how far its stream is stored. */
export interface WatermarkSource {
  /** The watermark of `(tenantId, source)`, looking from `from` up; null when this tenant cannot be asked. */
  watermark(tenantId: string, source: string, from: number): Promise<StreamWatermark | null>;
}

export interface HttpWatermarksOptions {
  /** The tenant's API key, or a function giving each tenant's key (undefined: not confirmed). */
  apiKey: string | ((tenantId: string) => string | undefined);
  /** Base URL of the `api` function; default the emulator's. */
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Reads watermarks from the HTTP API with a tenant API key. */
export class HttpWatermarks implements WatermarkSource {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HttpWatermarksOptions) {
    this.base = (options.baseUrl ?? EMULATOR_API_URL).replace(/\/+$/, '');
    this.fetch = options.fetch ?? fetch;
  }

  async watermark(tenantId: string, source: string, from: number): Promise<StreamWatermark | null> {
    const key = typeof this.options.apiKey === 'function' ? this.options.apiKey(tenantId) : this.options.apiKey;
    if (key === undefined) return null;
    // A key names its tenant (`alk_<tenant>.…`): never ask one tenant's key about another's stream.
    if (!key.startsWith(`alk_${tenantId}.`)) return null;
    const url = `${this.base}/v1/streams/${encodeURIComponent(source)}/watermark?from=${from}`;
    const response = await this.fetch(url, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new AuditClientError(
        'http_failed',
        `GET watermark of ${source} answered ${response.status}: ${text.slice(0, 200)}`,
        {
          status: response.status,
        },
      );
    }
    return JSON.parse(text) as StreamWatermark;
  }
}
