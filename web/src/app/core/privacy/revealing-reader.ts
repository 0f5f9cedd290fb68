import { Injectable, inject } from '@angular/core';
import type { RevealedFields } from '@audit-log/model/callables';
import { holdsCiphertext, replaceCiphertexts, SEALED } from '@audit-log/model/sealed';
import { Commands } from '../../commands/commands';
import type { AuditLogEntry } from '../audit-model';
import { LogRepository, type LogPage, type LogReader, type PageCursor } from '../firestore/log-repository';
import type { LogQueryPlan } from '../../logs/query/log-query';

/** How many entries one `revealEntries` call may name (the callable's bound). */
export const REVEAL_BATCH = 100;

/** Opens the sealed fields of entries by log id; the `revealEntries` callable in the console. */
export type Revealer = (logIds: string[]) => Promise<Record<string, RevealedFields>>;

/** Whether an entry holds a sealed personal value (a tenant with `privacy.encryptPersonalData`). */
export function isSealedEntry(entry: AuditLogEntry): boolean {
  return holdsCiphertext(entry.actor) || holdsCiphertext(entry.changes) || holdsCiphertext(entry.metadata);
}

/** The entry with each sealed value shown as `[encrypted]` (never the ciphertext itself). */
export function concealed(entry: AuditLogEntry): AuditLogEntry {
  const hide = () => SEALED;
  return {
    ...entry,
    actor: replaceCiphertexts(entry.actor, hide),
    ...(entry.changes !== undefined ? { changes: replaceCiphertexts(entry.changes, hide) } : {}),
    ...(entry.metadata !== undefined ? { metadata: replaceCiphertexts(entry.metadata, hide) } : {}),
  };
}

/**
 * The entries as their reader sees them: sealed ones opened through `reveal`, 100 at a time
 * (erased subjects come back as `[erased]`), clear ones untouched and never sent. When the reader
 * may not open them, or the call fails, sealed values show as `[encrypted]`: never as ciphertext.
 */
export async function revealPage(entries: AuditLogEntry[], reveal: Revealer): Promise<AuditLogEntry[]> {
  const sealed = entries.filter(isSealedEntry).map((e) => e.logId);
  if (sealed.length === 0) return entries;
  const opened: Record<string, RevealedFields> = {};
  try {
    for (let i = 0; i < sealed.length; i += REVEAL_BATCH) {
      Object.assign(opened, await reveal(sealed.slice(i, i + REVEAL_BATCH)));
    }
  } catch {
    // Shown as encrypted below; the page itself still loads.
  }
  return entries.map((entry) => {
    const fields = opened[entry.logId];
    if (!fields) return isSealedEntry(entry) ? concealed(entry) : entry;
    return concealed({
      ...entry,
      actor: { ...entry.actor, ...fields.actor },
      ...(fields.changes !== undefined ? { changes: fields.changes } : {}),
      ...(fields.metadata !== undefined ? { metadata: fields.metadata } : {}),
    });
  });
}

/**
 * The log table's reader for tenants that seal personal data: the Firestore repository, with each
 * page (and each batch of the live tail) revealed before it is shown. Archived rows come from cold
 * search, which the server already reveals.
 */
@Injectable({ providedIn: 'root' })
export class RevealingLogReader implements LogReader {
  private readonly repo = inject(LogRepository);
  private readonly commands = inject(Commands);
  private readonly reveal: Revealer = async (logIds) => (await this.commands.call('revealEntries', { logIds })).entries;

  async personTokens(actorEmail: string): Promise<string[]> {
    return (await this.commands.call('personSearchTokens', { actorEmail })).tokens;
  }

  async page(plan: LogQueryPlan, cursor: PageCursor | null): Promise<LogPage> {
    const page = await this.repo.page(plan, cursor);
    return { ...page, entries: await revealPage(page.entries, this.reveal) };
  }

  /** One entry (the entry page), revealed like a page. */
  async entry(logId: string): Promise<AuditLogEntry | null> {
    const entry = await this.repo.entry(logId);
    return entry ? ((await revealPage([entry], this.reveal))[0] ?? null) : null;
  }

  watch(plan: LogQueryPlan, onAdded: (entries: AuditLogEntry[]) => void, onError: (err: unknown) => void): () => void {
    let stopped = false;
    const stop = this.repo.watch(
      plan,
      (entries) => {
        void revealPage(entries, this.reveal).then((shown) => {
          if (!stopped) onAdded(shown);
        });
      },
      onError,
    );
    return () => {
      stopped = true;
      stop();
    };
  }
}
