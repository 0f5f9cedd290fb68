import { getApps, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';

/** Name the Admin SDK gives the app created by a bare `initializeApp()`. */
const DEFAULT_APP = '[DEFAULT]';

let db: Firestore | undefined;

/** The Admin SDK's Firestore, initialized once per instance. */
export function firestore(): Firestore {
  if (!db) {
    // firebase-functions may already have created its own *named* app (it does to decode the
    // snapshots of Firestore triggers), so look for the default app, not for any app.
    if (!getApps().some((app) => app.name === DEFAULT_APP)) initializeApp();
    db = getFirestore();
  }
  return db;
}
