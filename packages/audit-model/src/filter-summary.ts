/**
 * The words a filter of `audit_logs` is summed up in, the same on every surface: the console's
 * headings and export dialog, the export list and the PDF report's cover. Zod-free: the console
 * bundles it.
 */

/** What a summary names: the filter fields shared by the console and the export. */
export interface SummarizedFilter {
  categories: readonly string[];
  levels: readonly string[];
  outcomes: readonly string[];
  /** Optional: filters saved before the operation filter existed have none. */
  operations?: readonly string[] | undefined;
  reviewStatuses: readonly string[];
  eventType?: string | null | undefined;
  actorId?: string | null | undefined;
  resourceType?: string | null | undefined;
  resourceId?: string | null | undefined;
  correlationId?: string | null | undefined;
  keyword?: string | null | undefined;
}

/** One phrase per active filter (`category SECURITY or COMPLIANCE`, `actor u-1`), in a fixed order. */
export function filterSummaryParts(filter: SummarizedFilter): string[] {
  const parts: string[] = [];
  const anyOf = (name: string, values: readonly string[]) => {
    if (values.length > 0) parts.push(`${name} ${values.join(' or ')}`);
  };
  anyOf('category', filter.categories);
  anyOf('level', filter.levels);
  anyOf('outcome', filter.outcomes);
  anyOf('operation', filter.operations ?? []);
  anyOf('review', filter.reviewStatuses);
  if (filter.eventType) parts.push(`type ${filter.eventType}`);
  if (filter.actorId) parts.push(`actor ${filter.actorId}`);
  if (filter.resourceType) {
    parts.push(`resource ${filter.resourceType}${filter.resourceId ? `/${filter.resourceId}` : ''}`);
  }
  if (filter.correlationId) parts.push(`correlation ${filter.correlationId}`);
  if (filter.keyword) parts.push(`"${filter.keyword}"`);
  return parts;
}
