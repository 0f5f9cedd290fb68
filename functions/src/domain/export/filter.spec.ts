import { describe, expect, it } from 'vitest';
import { ExportError } from './errors';
import { describeExportFilter, parseExportFilter, planExportQuery, recordedExportFilter } from './filter';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ExportError) return err.code;
    throw err;
  }
  return undefined;
}

describe('parseExportFilter', () => {
  it('accepts the console filter model and normalizes instants and keywords', () => {
    const f = parseExportFilter({
      from: '2026-01-01T01:00:00+01:00',
      categories: ['SECURITY', 'SECURITY'],
      keyword: '  Alice ',
    });
    expect(f.from).toBe('2026-01-01T00:00:00.000Z');
    expect(f.categories).toEqual(['SECURITY']);
    expect(f.keyword).toBe('alice');
    expect(f.levels).toEqual([]);
  });

  it('refuses unknown fields, bad values and an empty range with field-level messages', () => {
    for (const input of [
      { tenantId: 'other' },
      { categories: ['NOPE'] },
      { from: 'yesterday' },
      { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      { resourceId: 'r-1' },
    ]) {
      let error: ExportError | undefined;
      try {
        parseExportFilter(input);
      } catch (err) {
        error = err as ExportError;
      }
      expect(error?.code).toBe('invalid_argument');
      expect(error?.errors[0]?.path).toMatch(/^filter/);
    }
  });
});

describe('planExportQuery', () => {
  it('always starts with the tenant condition and maps lists to == or in', () => {
    const plan = planExportQuery(
      'acme',
      parseExportFilter({ levels: ['ERROR', 'CRITICAL'], categories: ['SECURITY'] }),
    );
    expect(plan.where[0]).toEqual({ field: 'tenantId', op: '==', value: 'acme' });
    expect(plan.where).toContainEqual({ field: 'category', op: '==', value: 'SECURITY' });
    expect(plan.where).toContainEqual({ field: 'level', op: 'in', value: ['ERROR', 'CRITICAL'] });
  });

  it('leaves out a list with every value selected', () => {
    const plan = planExportQuery('acme', parseExportFilter({ outcomes: ['success', 'failure', 'denied'] }));
    expect(plan.where).toHaveLength(1);
  });

  it('plans keyword search as array-contains and carries the range', () => {
    const plan = planExportQuery(
      'acme',
      parseExportFilter({ keyword: 'Bob', categories: ['AUTHENTICATION'], to: '2026-01-02T00:00:00Z' }),
    );
    expect(plan.where).toContainEqual({ field: 'searchTokens', op: 'array-contains', value: 'bob' });
    expect(plan.to).toBe('2026-01-02T00:00:00.000Z');
    expect(plan.from).toBeUndefined();
  });

  it('refuses combinations no index serves', () => {
    expect(codeOf(() => planExportQuery('acme', parseExportFilter({ keyword: 'x', actorId: 'u-1' })))).toBe(
      'unsupported_filter_combination',
    );
    expect(
      codeOf(() => planExportQuery('acme', parseExportFilter({ eventType: 'a.b', categories: ['SECURITY'] }))),
    ).toBe('unsupported_filter_combination');
    expect(codeOf(() => planExportQuery('acme', parseExportFilter({ actorId: 'u', resourceType: 'repo' })))).toBe(
      'unsupported_filter_combination',
    );
  });

  it('refuses lists that multiply past 30 alternatives', () => {
    const filter = parseExportFilter({
      categories: [
        'SECURITY',
        'COMPLIANCE',
        'DATA_ACCESS',
        'AUTHORIZATION',
        'AUTHENTICATION',
        'SYSTEM_CONFIGURATION',
        'BUSINESS_OPERATION',
      ],
      levels: ['INFO', 'WARNING', 'ERROR'],
      reviewStatuses: ['pending', 'approved'],
    });
    expect(codeOf(() => planExportQuery('acme', filter))).toBe('invalid_argument');
  });
});

describe('an operation filter', () => {
  it('plans what was created or deleted, alone and with a resource', () => {
    const plan = planExportQuery('acme', parseExportFilter({ operations: ['DELETE', 'CREATE', 'DELETE'] }));
    expect(plan.where).toEqual([
      { field: 'tenantId', op: '==', value: 'acme' },
      { field: 'operation', op: 'in', value: ['DELETE', 'CREATE'] },
    ]);
    const entity = planExportQuery(
      'acme',
      parseExportFilter({ operations: ['UPDATE'], resourceType: 'repository', resourceId: 'r-1' }),
    );
    expect(entity.where).toContainEqual({ field: 'operation', op: '==', value: 'UPDATE' });
    expect(describeExportFilter(parseExportFilter({ operations: ['DELETE'] }))).toBe('operation DELETE');
  });

  it('refuses an unknown operation with a field-level message', () => {
    let error: ExportError | undefined;
    try {
      parseExportFilter({ operations: ['REMOVE'] });
    } catch (err) {
      error = err as ExportError;
    }
    expect(error?.code).toBe('invalid_argument');
    expect(error?.errors).toEqual([
      { path: 'filter.operations.0', message: 'must be one of CREATE, UPDATE, DELETE, READ, EXECUTE' },
    ]);
  });
});

describe('refused combinations', () => {
  it('name every filter involved, by the key the caller sent, and say which one to drop', () => {
    let error: ExportError | undefined;
    try {
      planExportQuery('acme', parseExportFilter({ actorId: 'u-1', keyword: 'x' }));
    } catch (err) {
      error = err as ExportError;
    }
    expect(error?.message).toBe('filtering by actorId and keyword together is not supported');
    expect(error?.errors.map((e) => e.path)).toEqual(['filter.actorId', 'filter.keyword']);
    // Dropping either leaves a served query, so both messages say so.
    for (const e of error?.errors ?? []) expect(e.message).toMatch(/without it the rest can run$/);
  });
});

describe('describeExportFilter', () => {
  it('summarizes the active filters', () => {
    expect(describeExportFilter(parseExportFilter({}))).toBe('all entries');
    expect(describeExportFilter(parseExportFilter({ levels: ['CRITICAL'], keyword: 'x' }))).toBe('level CRITICAL, "x"');
  });
});

describe('actorEmail (search by a person)', () => {
  const blind = (email: string) => `pii:${email.length}`;

  it('plans the clear and blind tokens of the address as one array-contains-any', () => {
    const filter = parseExportFilter({ actorEmail: ' Ann@Example.com', levels: ['ERROR'] });
    expect(planExportQuery('acme', filter, blind).where).toEqual([
      { field: 'tenantId', op: '==', value: 'acme' },
      { field: 'level', op: '==', value: 'ERROR' },
      { field: 'searchTokens', op: 'array-contains-any', value: ['ann@example.com', 'pii:15'] },
    ]);
  });

  it('refuses a malformed address and the pair with keyword, at the field', () => {
    const errorsOf = (input: unknown) => {
      try {
        parseExportFilter(input);
      } catch (err) {
        return (err as ExportError).errors;
      }
      return [];
    };
    expect(errorsOf({ actorEmail: 'ann' })).toEqual([
      { path: 'filter.actorEmail', message: 'must be an e-mail address (name@domain)' },
    ]);
    expect(errorsOf({ actorEmail: 'ann@example.com', keyword: 'x' })).toEqual([
      { path: 'filter.actorEmail', message: 'cannot be combined with keyword: both match search tokens' },
    ]);
  });

  it('names actorEmail in a refused combination', () => {
    const filter = parseExportFilter({ actorEmail: 'ann@example.com', actorId: 'u-1' });
    try {
      planExportQuery('acme', filter, blind);
      throw new Error('planned');
    } catch (err) {
      expect((err as ExportError).errors.map((e) => e.path)).toEqual(['filter.actorId', 'filter.actorEmail']);
    }
  });

  it('is recorded (job summary, audit entries) by its blind token, never the clear address', () => {
    const filter = parseExportFilter({ actorEmail: 'ann@example.com' });
    expect(recordedExportFilter(filter, blind)).toMatchObject({ actorEmail: 'pii:15' });
    expect(describeExportFilter(filter, blind)).toBe('person pii:15');
    expect(JSON.stringify(recordedExportFilter(filter, blind))).not.toContain('ann');
  });
});
