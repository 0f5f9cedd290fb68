import { devKekSecret } from './privacy';

// Setup of every emulator-backed suite. Tenants seal personal data by default, and the jobs and
// triggers these suites run in their own process (tiering, checkpoints, exports, reactions) ingest
// system events for them, as the deployed functions do with the secret bound to every function.
// Without the key-encryption key those events would be refused (retried), never stored in clear;
// so the test process holds the development KEK the Functions emulator reads from
// `functions/.secret.local`.
process.env.AUDIT_PERSONAL_DATA_KEK ??= devKekSecret();
