import type { Category, Level } from './catalog';
import type { IsoInstant } from './callables';
import type { Operation, Outcome, ReviewStatus } from './enums';

/**
 * Requests and answers of the export and report callables (`startExport`, `cancelExport`,
 * `createDownloadLink`, `generateReport`, `runExportSweep`), part of the callable map in
 * `callables.ts`. The subject access export's are with the personal-data callables.
 */

export type ExportFormat = 'ndjson' | 'json' | 'csv';

/** The filter of an export: the console's log filter with the time range resolved. */
export interface ExportFilterRequest {
  from?: IsoInstant;
  to?: IsoInstant;
  categories?: Category[];
  levels?: Level[];
  outcomes?: Outcome[];
  operations?: Operation[];
  reviewStatuses?: ReviewStatus[];
  eventType?: string;
  actorId?: string;
  resourceType?: string;
  resourceId?: string;
  correlationId?: string;
  keyword?: string;
  actorEmail?: string; // a person's address, clear or sealed entries (docs/privacy.md); not with keyword
}

export interface StartExportRequest {
  format: ExportFormat;
  /** A byte order mark for spreadsheets; CSV only. */
  bom?: boolean;
  filter?: ExportFilterRequest;
}

export interface CancelExportRequest {
  id: string;
}

export interface CreateDownloadLinkRequest {
  /** `export` when left out. */
  kind?: 'export' | 'report';
  id: string;
}

/** A single-use link; `path` is relative to the functions' base URL. */
export interface DownloadLink {
  token: string;
  path: string;
  expiresAt: IsoInstant;
}

export type ReportKind = 'access' | 'change' | 'security' | 'compliance';

export interface GenerateReportRequest {
  kind: ReportKind;
  /** Inclusive. */
  from: IsoInstant;
  /** Exclusive; at most 400 days after `from`. */
  to: IsoInstant;
  /** Only entries with one of these operations (e.g. what was deleted); every operation when left out. */
  operations?: Operation[];
}

export interface ExportSweepReport {
  swept: number;
  exportIds: string[];
}
