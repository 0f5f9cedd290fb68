import { FieldValue, GeoPoint, Timestamp, getFirestore } from 'firebase-admin/firestore';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../domain/canonical';
import { documentToJson, firestoreToJson } from './firestore-json';

// Real Firestore classes, no emulator needed: references and vectors are built locally.
let app: App;
beforeAll(() => {
  app = initializeApp({ projectId: 'demo-auditlog' }, `firestore-json-spec-${process.pid}`);
});
afterAll(async () => {
  await deleteApp(app);
});

describe('firestoreToJson', () => {
  it('turns every Firestore value type into JSON that canonical hashing accepts', () => {
    const db = getFirestore(app);
    const data = {
      createdAt: new Timestamp(1_772_366_400, 123_456_789),
      when: new Date('2026-03-01T12:00:00.000Z'),
      place: new GeoPoint(52.52, 13.405),
      owner: db.doc('tenants/acme/members/u1'),
      blob: Buffer.from('hi'),
      embedding: FieldValue.vector([0.5, 1]),
      odd: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 7],
      nested: { deeper: { at: new Timestamp(0, 0), n: null, ok: true } },
      big: 12n,
    };
    const json = firestoreToJson(data);
    expect(json).toEqual({
      createdAt: '2026-03-01T12:00:00.123Z',
      when: '2026-03-01T12:00:00.000Z',
      place: { latitude: 52.52, longitude: 13.405 },
      owner: 'tenants/acme/members/u1',
      blob: 'base64:aGk=',
      embedding: [0.5, 1],
      odd: ['NaN', 'Infinity', '-Infinity', 7],
      nested: { deeper: { at: '1970-01-01T00:00:00.000Z', n: null, ok: true } },
      big: '12',
    });
    expect(() => canonicalJson(json)).not.toThrow();
  });

  it('maps a missing document to null and leaves plain JSON as it is', () => {
    expect(documentToJson(undefined)).toBeNull();
    const plain = { a: [1, 'x', { b: false }], c: null };
    expect(documentToJson(plain)).toEqual(plain);
  });
});
