import { provideZonelessChangeDetection, type ApplicationConfig } from '@angular/core';
import { provideFirebaseApp } from '@angular/fire/app';
import { provideAuth } from '@angular/fire/auth';
import { provideFirestore } from '@angular/fire/firestore';
import { provideFunctions } from '@angular/fire/functions';
import { provideRouter, withComponentInputBinding, withInMemoryScrolling } from '@angular/router';
import { initializeApp } from 'firebase/app';
import { connectAuthEmulator, getAuth } from 'firebase/auth';
import { connectFirestoreEmulator, getFirestore } from 'firebase/firestore';
import { connectFunctionsEmulator, getFunctions } from 'firebase/functions';
import { routes } from './app.routes';
import { FUNCTIONS_BASE_URL } from './exports/download';

/**
 * The console always talks to the Firebase Emulator Suite of the `demo-auditlog` project: the
 * `demo-` prefix means no request can ever reach a real project. Ports are those of firebase.json.
 * This is the only place that knows about Firebase configuration.
 */
const FIREBASE = {
  projectId: 'demo-auditlog',
  apiKey: 'fake-api-key',
  authDomain: 'demo-auditlog.firebaseapp.com',
} as const;
const EMULATORS = {
  auth: 'http://127.0.0.1:9099',
  firestore: { host: '127.0.0.1', port: 8080 },
  // Callables (review decisions, settings, operator commands) of the functions region of the contract.
  functions: { host: '127.0.0.1', port: 5001, region: 'us-central1' },
} as const;

export const appConfig: ApplicationConfig = {
  providers: [
    provideZonelessChangeDetection(),
    provideRouter(routes, withComponentInputBinding(), withInMemoryScrolling({ scrollPositionRestoration: 'top' })),
    provideFirebaseApp(() => initializeApp(FIREBASE)),
    provideAuth(() => {
      const auth = getAuth();
      connectAuthEmulator(auth, EMULATORS.auth, { disableWarnings: true });
      return auth;
    }),
    provideFirestore(() => {
      const db = getFirestore();
      connectFirestoreEmulator(db, EMULATORS.firestore.host, EMULATORS.firestore.port);
      return db;
    }),
    // HTTP functions (the export and report download endpoint) of the same project and region.
    {
      provide: FUNCTIONS_BASE_URL,
      useValue: `http://${EMULATORS.functions.host}:${EMULATORS.functions.port}/${FIREBASE.projectId}/${EMULATORS.functions.region}`,
    },
    provideFunctions(() => {
      const functions = getFunctions(undefined, EMULATORS.functions.region);
      connectFunctionsEmulator(functions, EMULATORS.functions.host, EMULATORS.functions.port);
      return functions;
    }),
  ],
};
