import { describe, expect, it } from 'vitest';
import { createSinkInputSchema } from './inputs';
import {
  batchObjectName,
  isTenantObjectPrefix,
  pubsubTopicProblem,
  storageBucketProblem,
  storageObjectPrefix,
  storagePrefixSchema,
} from './targets';

const scope = { projectId: 'demo-auditlog', tenantId: 'acme' };

describe('Pub/Sub topics a tenant may name', () => {
  it('takes its own topics in the project, bare or full, and any topic of another project', () => {
    expect(pubsubTopicProblem('sinks.acme', scope)).toEqual({ topic: 'projects/demo-auditlog/topics/sinks.acme' });
    expect(pubsubTopicProblem('sinks.acme.siem', scope)).toEqual({
      topic: 'projects/demo-auditlog/topics/sinks.acme.siem',
    });
    expect(pubsubTopicProblem('projects/acme-prod/topics/audit', scope)).toEqual({
      topic: 'projects/acme-prod/topics/audit',
    });
  });

  it.each([
    ['audit-events', /must be "sinks.acme"/],
    ['projects/demo-auditlog/topics/audit-events', /must be "sinks.acme"/],
    // Another tenant's topic, and a tenant whose id starts with this one's.
    ['sinks.globex', /must be "sinks.acme"/],
    ['sinks.acme-evil', /must be "sinks.acme"/],
    ['firebase-schedule-deliverSinksScheduled', /must be "sinks.acme"/],
    ['projects/x/topics/t', /invalid project id/],
    ['projects/acme-prod/topics/goog-x', /goog/],
    ['projects/acme-prod/subscriptions/s', /must be a topic name/],
    ['1bad', /starting with a letter/],
    ['a b c', /letters, digits/],
  ])('refuses %s', (topic, problem) => {
    const checked = pubsubTopicProblem(topic, scope);
    expect('problem' in checked && checked.problem).toMatch(problem);
  });
});

describe('Storage objects of a tenant', () => {
  it('always start with the tenant prefix, whatever folder the tenant adds', () => {
    expect(storageObjectPrefix('acme', 's1')).toBe('streams/tenant=acme/sink=s1/');
    expect(storageObjectPrefix('acme', 's1', 'siem/raw')).toBe('streams/tenant=acme/siem/raw/sink=s1/');
    // Naming another tenant's folder as a prefix stays inside one's own.
    const hostile = storageObjectPrefix('acme', 's1', 'tenant=globex');
    expect(isTenantObjectPrefix('acme', hostile)).toBe(true);
    expect(isTenantObjectPrefix('globex', hostile)).toBe(false);
  });

  it.each(['../tenant=globex', 'a/../../x', '/abs', 'trailing/', 'a//b', '.hidden', 'a/./b', 'spa ce', 'ü'])(
    'refuses the folder %j',
    (prefix) => {
      expect(storagePrefixSchema.safeParse(prefix).success).toBe(false);
    },
  );

  it('takes only the project stream buckets', () => {
    expect(storageBucketProblem('lake', ['lake'])).toBeUndefined();
    expect(storageBucketProblem('other-tenant-bucket', ['lake'])).toMatch(/stream buckets: lake/);
  });

  it('names a batch object by generation and first entry: a resend overwrites, names sort in delivery order', () => {
    const prefix = storageObjectPrefix('acme', 's1');
    const first = { recordedAtMs: Date.parse('2026-12-06T08:55:28.123Z'), logId: 'a1' };
    const name = batchObjectName(prefix, 0, first);
    expect(name).toBe('streams/tenant=acme/sink=s1/generation=000000/20261206T085528.123Z_a1.ndjson');
    expect(batchObjectName(prefix, 0, { ...first })).toBe(name);
    const later = [
      batchObjectName(prefix, 0, { recordedAtMs: first.recordedAtMs, logId: 'b0' }),
      batchObjectName(prefix, 0, { recordedAtMs: first.recordedAtMs + 1, logId: '00' }),
      batchObjectName(prefix, 0, { recordedAtMs: Date.parse('2027-01-01T00:00:00Z'), logId: '00' }),
      batchObjectName(prefix, 1, { recordedAtMs: 0, logId: '00' }),
    ];
    expect([...later, name].sort()).toEqual([name, ...later]);
  });
});

describe('createSink input by kind', () => {
  it('takes each kind with its own fields only', () => {
    expect(createSinkInputSchema.parse({ name: 'T', kind: 'pubsub', topic: 'sinks.acme' })).toEqual({
      name: 'T',
      kind: 'pubsub',
      topic: 'sinks.acme',
      batchSize: 200,
    });
    expect(createSinkInputSchema.parse({ name: 'L', kind: 'storage', bucket: 'lake', prefix: 'raw' })).toMatchObject({
      kind: 'storage',
      bucket: 'lake',
      prefix: 'raw',
    });
  });

  it('names each bad field, an unknown kind, and a field of another kind', () => {
    const paths = (data: unknown) => {
      const result = createSinkInputSchema.safeParse(data);
      return result.success ? [] : result.error.issues.map((i) => i.path.join('.') || i.message);
    };
    expect(paths({ name: 'x', kind: 'ftp' })).toEqual(['kind']);
    expect(paths({ name: '', kind: 'pubsub', topic: '' })).toEqual(expect.arrayContaining(['name', 'topic']));
    expect(paths({ name: 'x', kind: 'storage', bucket: 'Bad_Bucket!', prefix: '../x' })).toEqual(
      expect.arrayContaining(['bucket', 'prefix']),
    );
    expect(paths({ name: 'x', kind: 'pubsub', topic: 'sinks.acme', url: 'https://a.example.com' }).join()).toMatch(
      /url/,
    );
  });
});
