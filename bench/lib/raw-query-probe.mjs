// Bundled for the browser by bench/console-first-page.bench.mjs and injected into the console's
// page: the raw Firebase SDK, with its own app instance, running the same query the console runs.
// It is the baseline the console's first-page time is compared with.
import { initializeApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from 'firebase/auth';
import {
  collection,
  connectFirestoreEmulator,
  getDocs,
  getFirestore,
  limit,
  orderBy,
  query,
  where,
} from 'firebase/firestore';

let db;

window.rawProbe = {
  async init(email, password) {
    const app = initializeApp({ projectId: 'demo-auditlog', apiKey: 'fake-api-key' }, 'raw-probe');
    const auth = getAuth(app);
    connectAuthEmulator(auth, 'http://127.0.0.1:9099', { disableWarnings: true });
    await signInWithEmailAndPassword(auth, email, password);
    db = getFirestore(app);
    connectFirestoreEmulator(db, '127.0.0.1', 8080);
  },

  /** Runs one page of the query; `where` is [field, op, value, isDate] tuples. */
  async firstPage(conditions, pageSize) {
    const constraints = conditions.map(([field, op, value, isDate]) =>
      where(field, op, isDate ? new Date(value) : value),
    );
    const q = query(collection(db, 'audit_logs'), ...constraints, orderBy('occurredAt', 'desc'), limit(pageSize));
    const started = performance.now();
    const snap = await getDocs(q);
    return { ms: performance.now() - started, count: snap.size, firstId: snap.docs[0]?.id ?? null };
  },
};
