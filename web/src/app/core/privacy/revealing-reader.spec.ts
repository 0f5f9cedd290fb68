import { describe, expect, it } from 'vitest';
import type { AuditLogEntry } from '../audit-model';
import { concealed, isSealedEntry, revealPage, REVEAL_BATCH, type Revealer } from './revealing-reader';

const CIPHER = 'enc:v1:ref.1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA';

function entry(logId: string, sealed: boolean): AuditLogEntry {
  return {
    logId,
    actor: sealed
      ? { type: 'user', id: `u-${logId}`, email: CIPHER, name: CIPHER }
      : { type: 'user', id: 'u', email: 'c@x.test' },
    metadata: sealed ? { ip: CIPHER, note: 'clear' } : { note: 'clear' },
  } as unknown as AuditLogEntry;
}

describe('revealing a page of sealed entries', () => {
  it('sends only sealed entries, in batches the callable accepts, and shows what it answers', async () => {
    const entries = [...Array.from({ length: REVEAL_BATCH + 5 }, (_, i) => entry(`s${i}`, true)), entry('c', false)];
    const calls: string[][] = [];
    const reveal: Revealer = (ids) => {
      calls.push(ids);
      return Promise.resolve(
        Object.fromEntries(
          ids.map((id) => [
            id,
            id === 's0'
              ? {
                  actor: { type: 'user', id: 'u-s0', email: '[erased]', name: '[erased]' },
                  metadata: { ip: '[erased]', note: 'clear' },
                }
              : {
                  actor: { type: 'user', id: `u-${id}`, email: `${id}@x.test`, name: 'N' },
                  metadata: { ip: '10.0.0.1', note: 'clear' },
                },
          ]),
        ),
      );
    };
    const shown = await revealPage(entries, reveal);
    expect(calls.map((c) => c.length)).toEqual([REVEAL_BATCH, 5]);
    expect(calls.flat()).not.toContain('c');
    expect(shown[0]!.actor.email).toBe('[erased]');
    expect(shown[1]!.actor.email).toBe('s1@x.test');
    expect(shown[1]!.metadata).toEqual({ ip: '10.0.0.1', note: 'clear' });
    expect(shown.at(-1)).toBe(entries.at(-1));
    expect(shown.some(isSealedEntry)).toBe(false);
  });

  it('never shows a ciphertext: refused or missing reveals show [encrypted]', async () => {
    const entries = [entry('a', true), entry('b', true)];
    const refused = await revealPage(entries, () => Promise.reject(new Error('permission-denied')));
    expect(refused.map((e) => [e.actor.email, e.metadata?.['ip']])).toEqual([
      ['[encrypted]', '[encrypted]'],
      ['[encrypted]', '[encrypted]'],
    ]);
    const partial = await revealPage(entries, () => Promise.resolve({}));
    expect(JSON.stringify(partial)).not.toContain('enc:v1:');
  });

  it('leaves a page without sealed entries alone, without a call', async () => {
    const entries = [entry('c', false)];
    let called = false;
    const shown = await revealPage(entries, () => {
      called = true;
      return Promise.resolve({});
    });
    expect(shown).toBe(entries);
    expect(called).toBe(false);
    expect(concealed(entries[0]!)).toEqual(entries[0]);
  });
});
