import { defineSecret, defineString, type StringParam } from 'firebase-functions/params';

// The functions' configuration, read in one place: constants of the public contract, the
// deployment settings (parameters of `firebase-functions/params`), what the platform provides,
// and the one setting read while the functions load. Kept light: every function loads it.

/** Region of every function (contract). */
export const REGION = 'us-central1';
/** Pub/Sub topic producers publish envelopes to (contract). */
export const AUDIT_EVENTS_TOPIC = 'audit-events';

// ---------------------------------------------------------------------------------------------
// Parameters. Each has a default and a description; `functions/.env` lists every one with its
// default, because the Functions emulator asks for the value of any parameter that no dotenv
// file names (a default only pre-fills that question) and `npm start` must never stop to ask.
// Values are read at run time only (`.value()` inside a handler, never while the module loads):
// firebase-tools discovers the functions before it resolves parameters.
// ---------------------------------------------------------------------------------------------

/** Default of {@link AUDIT_AUTH_DEFAULT_TENANT} (the domain's `DEFAULT_AUTH_TENANT`). */
const DEFAULT_AUTH_TENANT = 'platform';
/** Default of {@link REPORT_FONT}: Debian's `fonts-noto-cjk`, a face of a TrueType collection. */
export const DEFAULT_REPORT_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKjp-Regular';
/** Bold face used with the default {@link REPORT_FONT} when {@link REPORT_FONT_BOLD} is empty. */
export const DEFAULT_REPORT_FONT_BOLD = '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc#NotoSansCJKjp-Bold';
const DEFAULT_CONSOLE_URL = 'http://127.0.0.1:4200';

export const AUDIT_AUTH_DEFAULT_TENANT = defineString('AUDIT_AUTH_DEFAULT_TENANT', {
  default: DEFAULT_AUTH_TENANT,
  description:
    'Tenant of auth events whose user has no tenantId claim and no Identity Platform tenant. ' +
    'An invalid tenant id falls back to "platform".',
});

export const AUDIT_CONSOLE_URL = defineString('AUDIT_CONSOLE_URL', {
  default: DEFAULT_CONSOLE_URL,
  description: 'Base URL of the console, for the links in alert emails.',
});

export const EXPORT_BUCKET = defineString('EXPORT_BUCKET', {
  default: '',
  description: "Bucket of exports and reports; empty means the project's default bucket.",
});

export const ARCHIVE_BUCKET = defineString('ARCHIVE_BUCKET', {
  default: '',
  description: "Bucket of the cold tier (Parquet archives); empty means the project's default bucket.",
});

export const SINK_BUCKETS = defineString('SINK_BUCKETS', {
  default: '',
  description:
    "Buckets a tenant's Storage stream may write to, comma-separated; empty means the project's default " +
    "bucket only. Every object is written under the tenant's own streams/tenant=<id>/ prefix.",
});

export const REPORT_FONT = defineString('REPORT_FONT', {
  default: DEFAULT_REPORT_FONT,
  description: 'CJK-capable body font of PDF reports: a font file, or path#PostScriptName for a collection.',
});

export const REPORT_FONT_BOLD = defineString('REPORT_FONT_BOLD', {
  default: '',
  description:
    'Bold body font of PDF reports; empty means the bold Noto CJK face with the default REPORT_FONT, ' +
    'else REPORT_FONT itself.',
});

export const AUDIT_CHECKPOINT_INTERVAL_SECONDS = defineString('AUDIT_CHECKPOINT_INTERVAL_SECONDS', {
  default: '300',
  description:
    'Length of a checkpoint window in seconds: the grid of windows of the checkpoint chain. Must divide ' +
    'a day (86400), so no window spans UTC midnight; the job runs every 5 minutes whatever it is.',
});

export const AUDIT_CHECKPOINT_GRACE_SECONDS = defineString('AUDIT_CHECKPOINT_GRACE_SECONDS', {
  default: '120',
  description:
    'Seconds a window stays open after it ends, for commits that land just after (an entry whose ' +
    'recordedAt falls in a window already checkpointed is reported as a late entry).',
});

/**
 * The Ed25519 private key (PKCS#8, PEM or base64 DER) that signs checkpoints. A secret: no default,
 * never logged. The emulators read a development key from `functions/.secret.local`.
 */
export const AUDIT_CHECKPOINT_SIGNING_KEY = defineSecret('AUDIT_CHECKPOINT_SIGNING_KEY');

/**
 * The key-encryption key of personal data (32 bytes, base64): it wraps every data subject's key
 * (docs/privacy.md). A secret: no default, never logged; Cloud KMS can take its place in
 * production. The emulators read a development key from `functions/.secret.local`. Every
 * function that ingests or reveals entries of a tenant with `privacy.encryptPersonalData` needs it.
 */
export const AUDIT_PERSONAL_DATA_KEK = defineSecret('AUDIT_PERSONAL_DATA_KEK');

/**
 * A parameter's value at run time. firebase-tools always sets it (from a dotenv file or the
 * resolved default); a process it did not start (unit tests, tools importing a module) gets
 * the declared default instead of the empty value the SDK would answer.
 */
function valueOf(param: StringParam): string {
  if (process.env[param.name] === undefined) {
    const fallback = param.options.default;
    return typeof fallback === 'string' ? fallback : '';
  }
  return param.value();
}

/** The deployment settings, read when a handler runs. */
export const settings = {
  authDefaultTenant: (): string => valueOf(AUDIT_AUTH_DEFAULT_TENANT),
  /** Never empty: an empty value means the default too. */
  consoleUrl: (): string => valueOf(AUDIT_CONSOLE_URL) || DEFAULT_CONSOLE_URL,
  /** Empty: the project's default bucket. */
  exportBucket: (): string => valueOf(EXPORT_BUCKET),
  /** Empty: the project's default bucket. */
  archiveBucket: (): string => valueOf(ARCHIVE_BUCKET),
  /** Empty list: the project's default bucket only. */
  sinkBuckets: (): string[] =>
    valueOf(SINK_BUCKETS)
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== ''),
  reportFont: (): string => valueOf(REPORT_FONT),
  /** Empty: see {@link REPORT_FONT_BOLD}. */
  reportFontBold: (): string => valueOf(REPORT_FONT_BOLD),
  /** Checkpoint window length in ms; a value that is not a whole number of seconds falls back to 300. */
  checkpointIntervalMs: (): number => secondsOf(AUDIT_CHECKPOINT_INTERVAL_SECONDS, 300) * 1000,
  checkpointGraceMs: (): number => secondsOf(AUDIT_CHECKPOINT_GRACE_SECONDS, 120) * 1000,
};

function secondsOf(param: StringParam, fallback: number): number {
  const n = Number(valueOf(param));
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

// ---------------------------------------------------------------------------------------------
// Provided by the platform (the Functions runtime and its emulator), never set by a deployer.
// ---------------------------------------------------------------------------------------------

export const platform = {
  /** The project id, where the runtime or the environment names one. */
  projectId: (): string | undefined => process.env.GCLOUD_PROJECT ?? process.env.GOOGLE_CLOUD_PROJECT,
  /**
   * True inside the Functions emulator. Set in the environment of function discovery too, so it
   * may decide at load time what is registered.
   */
  isEmulator: (): boolean => process.env.FUNCTIONS_EMULATOR === 'true',
};

// ---------------------------------------------------------------------------------------------
// Read while the functions load.
// ---------------------------------------------------------------------------------------------

/**
 * `AUDIT_CAPTURE_TARGETS` (a JSON array; blank or unset: the demo targets) decides which
 * change-capture triggers exist, so it is read while the module loads, when no parameter has a
 * value yet, and it is not a parameter. firebase-tools discovers the functions in a process
 * that receives no dotenv values (parameters are resolved after discovery), so a value in
 * `functions/.env` never changes which triggers are registered: see docs/outbox-and-capture.md.
 */
export function captureTargetsAtLoad(): string | undefined {
  return process.env.AUDIT_CAPTURE_TARGETS;
}
