import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi';

/** Lints a document with Redocly's strict recommended rules; returns "severity rule: message" lines. */
async function lint(document: unknown): Promise<string[]> {
  // Redocly is ESM-only; a dynamic import keeps this CommonJS package compiling.
  const { createConfig, lintFromString } = await import('@redocly/openapi-core');
  const config = await createConfig({ extends: ['recommended-strict'] });
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
  return problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`);
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and passes the strict recommended lint rules', async () => {
    const document = openApiDocument();
    expect(document.openapi).toBe('3.1.0');
    expect(await lint(document)).toEqual([]);
  });

  it('fails the lint when an operation loses its id or a reference dangles (the lint is live)', async () => {
    const broken = structuredClone(openApiDocument()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    delete broken.paths['/v1/events']!.get!.operationId;
    broken.paths['/v1/events']!.post!.requestBody = { $ref: '#/components/requestBodies/Missing' };
    const problems = await lint(broken);
    expect(problems.some((p) => p.includes('operation-operationId'))).toBe(true);
    expect(problems.some((p) => p.includes('no-unresolved-refs'))).toBe(true);
  });

  it('describes every route of the api function and the envelope from the validation schema', () => {
    const document = openApiDocument() as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(Object.keys(document.paths).sort()).toEqual([
      '/v1/events',
      '/v1/openapi.json',
      '/v1/streams/{source}/watermark',
    ]);
    expect(Object.keys(document.paths['/v1/events']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.components.schemas.Envelope!.properties!)).toContain('occurredAt');
  });

  it('describes every instant of an entry, the review record included, as a date-time string', () => {
    const document = openApiDocument() as { components: { schemas: Record<string, unknown> } };
    const entry = document.components.schemas.Entry as {
      properties: Record<string, { type?: unknown; format?: unknown; properties?: Record<string, unknown> }>;
    };
    const review = entry.properties.review!;
    expect(review.type).toBe('object');
    const decision = (review.properties!.decisions as { items: { properties: Record<string, unknown> } }).items;
    const instants = {
      occurredAt: entry.properties.occurredAt,
      recordedAt: entry.properties.recordedAt,
      'review.dueAt': review.properties!.dueAt,
      'review.assignedAt': review.properties!.assignedAt,
      'review.closedAt': review.properties!.closedAt,
      'review.overdueEscalatedAt': review.properties!.overdueEscalatedAt,
      'review.decisions[].at': decision.properties.at,
    };
    for (const [path, schema] of Object.entries(instants)) {
      expect(schema, path).toMatchObject({ type: 'string', format: 'date-time' });
    }
  });
});
