import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldErrorsOf, issueLines } from './errors';

describe('schema issue formatting', () => {
  const schema = z.strictObject({ range: z.strictObject({ from: z.string() }), ids: z.array(z.number()) });
  const issues = schema.safeParse({ range: { from: 3 }, ids: [1, 'x'] }).error!.issues;

  it('addresses each issue by its dotted path, below a prefix when given', () => {
    expect(fieldErrorsOf(issues).map((e) => e.path)).toEqual(['range.from', 'ids.1']);
    expect(fieldErrorsOf(issues, 'filter').map((e) => e.path)).toEqual(['filter.range.from', 'filter.ids.1']);
  });

  it('addresses an issue of the whole input by the prefix alone', () => {
    const root = z.string().safeParse(1).error!.issues;
    expect(fieldErrorsOf(root)).toEqual([{ path: '', message: root[0]!.message }]);
    expect(fieldErrorsOf(root, 'events.3')[0]!.path).toBe('events.3');
  });

  it('writes one log line per issue', () => {
    expect(issueLines(issues, 'outbox')).toEqual([
      `outbox.range.from: ${issues[0]!.message}`,
      `outbox.ids.1: ${issues[1]!.message}`,
    ]);
  });
});
