import { describe, expect, it } from 'vitest';
import type { AuditLogEntry } from '../../core/audit-model';
import type { LogPage, LogReader } from '../../core/firestore/log-repository';
import { exportFilterOf } from '../../exports/export-model';
import { emptyFilter } from '../filters/log-filter';
import { filterFromParams, filterToParams } from '../filters/url-filters';
import { QueryPlanError, planLogQuery, type LogQueryPlan } from '../query/log-query';
import { LogDataSource } from './log-data-source';

// Search by a person's e-mail in the console: the log table queries Firestore directly, so the
// data source asks the server (`personSearchTokens`) for the person's tokens, then matches any.

const scope = { tenantId: 'tenant-a' };
const now = new Date('2026-05-01T12:00:00Z');
const options = { now, limit: 50 };
const personClause = (plan: LogQueryPlan) => plan.where.find((c) => c.field === 'searchTokens');

/** A reader that answers tokens and pages on demand, recording what it was asked. */
class PersonReader implements LogReader {
  readonly plans: LogQueryPlan[] = [];
  readonly asked: string[] = [];
  private readonly answers: Array<(tokens: string[]) => void> = [];

  personTokens(actorEmail: string): Promise<string[]> {
    this.asked.push(actorEmail);
    return new Promise((resolve) => this.answers.push(resolve));
  }

  page(plan: LogQueryPlan): Promise<LogPage> {
    this.plans.push(plan);
    return Promise.resolve({ entries: [] as AuditLogEntry[], next: null });
  }

  watch(): () => void {
    return () => undefined;
  }

  async answer(index: number, tokens: string[]): Promise<void> {
    this.answers[index]!(tokens);
    await new Promise((r) => setTimeout(r, 0));
  }
}

describe('search by e-mail in the console', () => {
  it('plans the tokens the server answered as one array-contains-any', () => {
    const filter = emptyFilter({ actorEmail: 'ann@example.com', actorTokens: ['ann@example.com', 'pii:abc'] });
    expect(personClause(planLogQuery(filter, scope, options))).toEqual({
      field: 'searchTokens',
      op: 'array-contains-any',
      value: ['ann@example.com', 'pii:abc'],
    });
  });

  it('refuses the pair with a keyword, and a partial address, in the filter bar’s words', () => {
    const both = () => planLogQuery(emptyFilter({ actorEmail: 'ann@example.com', keyword: 'x' }), scope, options);
    expect(both).toThrow(QueryPlanError);
    expect(both).toThrow(/e-mail or by keyword/);
    const partial = () => planLogQuery(emptyFilter({ actorEmail: 'ann@' }), scope, options);
    expect(partial).toThrow(/whole e-mail address/);
  });

  it('names the e-mail filter when the combination has no index', () => {
    const filter = emptyFilter({ actorEmail: 'ann@example.com', actorId: 'u-1' });
    expect(() => planLogQuery(filter, scope, options)).toThrow(/actor and actor e-mail together/);
  });

  it('asks the server for the tokens before querying, and drops an answer for an older filter', async () => {
    const reader = new PersonReader();
    const source = new LogDataSource(reader, () => now, 50);
    source.query(emptyFilter({ actorEmail: 'old@example.com' }), scope);
    source.query(emptyFilter({ actorEmail: 'ann@example.com' }), scope);
    expect(reader.asked).toEqual(['old@example.com', 'ann@example.com']);
    expect(reader.plans).toEqual([]);
    expect(source.loading()).toBe(true);

    await reader.answer(0, ['old@example.com', 'pii:old']);
    expect(reader.plans).toEqual([]);
    await reader.answer(1, ['ann@example.com', 'pii:ann']);
    expect(reader.plans.map(personClause)).toEqual([
      { field: 'searchTokens', op: 'array-contains-any', value: ['ann@example.com', 'pii:ann'] },
    ]);
  });

  it('keeps the address in the URL and passes it (never tokens) to exports', () => {
    const filter = emptyFilter({ actorEmail: 'ann@example.com', actorTokens: ['ann@example.com', 'pii:abc'] });
    const params = filterToParams(filter);
    expect(params['email']).toBe('ann@example.com');
    expect(JSON.stringify(params)).not.toContain('pii:');
    expect(filterFromParams({ email: 'Ann@Example.com' }).filter.actorEmail).toBe('ann@example.com');
    const exported = exportFilterOf(filter, now);
    expect(exported.actorEmail).toBe('ann@example.com');
    expect(JSON.stringify(exported)).not.toContain('pii:');
  });
});
