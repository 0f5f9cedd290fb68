/** One row of the gaps table: a missing range of one producer stream. */
export interface GapRow {
  source: string;
  from: number;
  to: number;
  firstSeenAt: string;
  reportedAt: string | null;
  closedAt: string | null;
  status: 'pending' | 'open' | 'closed';
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The gap rows of `audit_streams` documents (written by the detector): open ones first, then
 * pending, then closed, newest first within each. Malformed entries are skipped.
 */
export function gapRows(streams: ReadonlyArray<Record<string, unknown>>): GapRow[] {
  const rows: GapRow[] = [];
  for (const stream of streams) {
    const source = text(stream['source']);
    const gaps = stream['gaps'];
    if (source === null || !Array.isArray(gaps)) continue;
    for (const raw of gaps as Array<Record<string, unknown>>) {
      const { from, to } = raw;
      const firstSeenAt = text(raw['firstSeenAt']);
      if (typeof from !== 'number' || typeof to !== 'number' || firstSeenAt === null) continue;
      const reportedAt = text(raw['reportedAt']);
      const closedAt = text(raw['closedAt']);
      const status = closedAt !== null ? 'closed' : reportedAt !== null ? 'open' : 'pending';
      rows.push({ source, from, to, firstSeenAt, reportedAt, closedAt, status });
    }
  }
  const rank = { open: 0, pending: 1, closed: 2 } as const;
  return rows.sort((a, b) => rank[a.status] - rank[b.status] || b.firstSeenAt.localeCompare(a.firstSeenAt));
}
