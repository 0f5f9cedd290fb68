import type { StoredEntry } from './entry';

/**
 * Requests and answers of the personal-data callables (`requestErasure`, `approveErasure`,
 * `revealEntries`), part of the callable map in `callables.ts` (docs/privacy.md).
 */

/** A compliance officer asks to erase a data subject (an actor id of the tenant's entries). */
export interface RequestErasureRequest {
  subject: string;
  /** Why, as an auditor will read it (at least 3 characters). */
  reason: string;
}

export interface ErasureRequested {
  erasureId: string;
  status: 'requested';
  /** Log id of the `audit.privacy.erasure_requested` entry. */
  logId: string;
}

/** A different compliance officer or admin approves, which destroys the subject's key. */
export interface ApproveErasureRequest {
  erasureId: string;
}

export interface ErasureExecuted {
  erasureId: string;
  status: 'executed';
  /** False when the subject had no key (nothing of theirs was ever sealed, or already erased). */
  keyDestroyed: boolean;
  /** Log ids of the `audit.privacy.erasure_approved` and `..._executed` entries. */
  logIds: string[];
}

/** Entries of the reader's tenant as a page shows them, by log id (at most 100). */
export interface RevealEntriesRequest {
  logIds: string[];
}

/** Sealed personal fields of an entry, opened (or `[erased]`); only the parts that hold them. */
export type RevealedFields = Pick<StoredEntry, 'actor' | 'changes' | 'metadata'>;

export interface RevealedEntries {
  /** By log id; entries of other tenants, missing ones and clear-text ones are left out. */
  entries: Record<string, RevealedFields>;
}

/**
 * A compliance officer or admin asks for everything the log holds about one data subject
 * (`gdpr_export`): the entries where the subject acted and those about the subject as a user,
 * from both tiers, as JSON, with a PDF summary (docs/privacy.md).
 */
export interface StartSubjectAccessExportRequest {
  /** The subject's identifier as entries carry it (`actor.id`, or `resource.id` of a user). */
  subject: string;
  /** Why, as an auditor will read it (the request's reference, e.g. a ticket), 3..500 characters. */
  reason: string;
}

export interface SubjectAccessExportStarted {
  /** The export job (`audit_exports/{id}`); its PDF summary becomes `audit_reports/{id}`. */
  exportId: string;
  /** Log id of the `compliance.gdpr_export.requested` entry. */
  logId: string;
}
