#!/usr/bin/env node
// Deletes every document of the system's project on the running Firestore emulator (the rules
// suite's project is left alone). `npm test` runs it before the load suites: the emulator answers
// a query by scanning the whole collection, every tenant's documents included, and the load
// suites need the emulator as empty as a fresh start would leave it.
import { PROJECT_ID } from './env.mjs';

const host = process.env.FIRESTORE_EMULATOR_HOST;
if (!host) {
  console.error('clear-firestore: FIRESTORE_EMULATOR_HOST is not set; run it inside `firebase emulators:exec`.');
  process.exit(2);
}
const url = `http://${host}/emulator/v1/projects/${PROJECT_ID}/databases/(default)/documents`;
const answer = await fetch(url, { method: 'DELETE' });
if (!answer.ok) {
  console.error(`clear-firestore: ${url} answered ${answer.status} ${await answer.text()}`);
  process.exit(1);
}
console.log(`Cleared the Firestore emulator's documents of ${PROJECT_ID}.`);
