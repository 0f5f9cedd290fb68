import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { declaredParams } from 'firebase-functions/params';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_REPORT_FONT, DEFAULT_REPORT_FONT_BOLD, captureTargetsAtLoad, platform, settings } from './config';
import { DEFAULT_AUTH_TENANT } from './domain/auth-events';
import { bodyFontSpecs } from './reports/report-fonts';

// The configuration module: what each parameter is worth when nothing sets it, that a value set
// by firebase-tools wins, and that functions/.env names every parameter at its default (the
// Functions emulator would otherwise stop to ask for a value).

const NAMES = [
  'AUDIT_AUTH_DEFAULT_TENANT',
  'AUDIT_CONSOLE_URL',
  'EXPORT_BUCKET',
  'ARCHIVE_BUCKET',
  'SINK_BUCKETS',
  'REPORT_FONT',
  'REPORT_FONT_BOLD',
  'AUDIT_CHECKPOINT_INTERVAL_SECONDS',
  'AUDIT_CHECKPOINT_GRACE_SECONDS',
] as const;

/** firebase-tools' own dotenv reader (the one the emulators and deploys use); it ships no types. */
const { parseStrict } = createRequire(__filename)('firebase-tools/lib/functions/env') as {
  parseStrict: (data: string) => Record<string, string>;
};

function unsetAll(): void {
  for (const name of NAMES) vi.stubEnv(name, undefined);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('parameters', () => {
  it('answer their defaults when nothing sets them', () => {
    unsetAll();
    expect(settings.authDefaultTenant()).toBe(DEFAULT_AUTH_TENANT);
    expect(settings.consoleUrl()).toBe('http://127.0.0.1:4200');
    expect(settings.exportBucket()).toBe('');
    expect(settings.archiveBucket()).toBe('');
    expect(settings.sinkBuckets()).toEqual([]);
    expect(settings.reportFont()).toBe(DEFAULT_REPORT_FONT);
    expect(settings.reportFontBold()).toBe('');
    expect(settings.checkpointIntervalMs()).toBe(300_000);
    expect(settings.checkpointGraceMs()).toBe(120_000);
  });

  it('answer the values firebase-tools put in the environment', () => {
    vi.stubEnv('AUDIT_AUTH_DEFAULT_TENANT', 'acme');
    vi.stubEnv('AUDIT_CONSOLE_URL', 'https://audit.example.com');
    vi.stubEnv('EXPORT_BUCKET', 'exports-bucket');
    vi.stubEnv('ARCHIVE_BUCKET', 'archive-bucket');
    vi.stubEnv('SINK_BUCKETS', ' lake-a , lake-b,');
    vi.stubEnv('REPORT_FONT', '/fonts/a.ttf');
    vi.stubEnv('REPORT_FONT_BOLD', '/fonts/b.ttf');
    expect(settings.authDefaultTenant()).toBe('acme');
    expect(settings.consoleUrl()).toBe('https://audit.example.com');
    expect(settings.exportBucket()).toBe('exports-bucket');
    expect(settings.archiveBucket()).toBe('archive-bucket');
    expect(settings.sinkBuckets()).toEqual(['lake-a', 'lake-b']);
    expect(settings.reportFont()).toBe('/fonts/a.ttf');
    expect(settings.reportFontBold()).toBe('/fonts/b.ttf');
  });

  it('keep an empty console URL from breaking the links in emails', () => {
    vi.stubEnv('AUDIT_CONSOLE_URL', '');
    expect(settings.consoleUrl()).toBe('http://127.0.0.1:4200');
  });

  it('are all declared, each with a description and a string default', () => {
    const declared = declaredParams.filter((p) => (NAMES as readonly string[]).includes(p.name));
    expect(declared.map((p) => p.name).sort()).toEqual([...NAMES].sort());
    for (const param of declared) {
      const options = param.options as { description?: string; default?: unknown };
      expect(options.description, param.name).toMatch(/\w/);
      expect(typeof options.default, param.name).toBe('string');
    }
  });

  it('are each named in functions/.env at their default, and nothing else is', () => {
    const env = parseStrict(readFileSync(path.join(__dirname, '..', '.env'), 'utf8'));
    const defaults = Object.fromEntries(
      declaredParams
        .filter((p) => (NAMES as readonly string[]).includes(p.name))
        .map((p) => [p.name, (p.options as { default?: unknown }).default]),
    );
    expect(env).toEqual(defaults);
  });
});

describe('report body fonts', () => {
  it('use the Noto CJK faces by default', () => {
    expect(bodyFontSpecs(DEFAULT_REPORT_FONT, '')).toEqual({
      regular: DEFAULT_REPORT_FONT,
      bold: DEFAULT_REPORT_FONT_BOLD,
    });
  });

  it('use another regular font for bold too unless a bold font is named', () => {
    expect(bodyFontSpecs('/fonts/a.ttf', '')).toEqual({ regular: '/fonts/a.ttf', bold: '/fonts/a.ttf' });
    expect(bodyFontSpecs('/fonts/a.ttf', '/fonts/b.ttf')).toEqual({ regular: '/fonts/a.ttf', bold: '/fonts/b.ttf' });
  });
});

describe('platform and load-time values', () => {
  it('tells the Functions emulator apart', () => {
    vi.stubEnv('FUNCTIONS_EMULATOR', 'true');
    expect(platform.isEmulator()).toBe(true);
    vi.stubEnv('FUNCTIONS_EMULATOR', undefined);
    expect(platform.isEmulator()).toBe(false);
  });

  it('names the project from the runtime', () => {
    vi.stubEnv('GCLOUD_PROJECT', undefined);
    vi.stubEnv('GOOGLE_CLOUD_PROJECT', 'demo-other');
    expect(platform.projectId()).toBe('demo-other');
    vi.stubEnv('GCLOUD_PROJECT', 'demo-auditlog');
    expect(platform.projectId()).toBe('demo-auditlog');
  });

  it('reads the capture targets as the environment has them', () => {
    vi.stubEnv('AUDIT_CAPTURE_TARGETS', undefined);
    expect(captureTargetsAtLoad()).toBeUndefined();
    vi.stubEnv('AUDIT_CAPTURE_TARGETS', '[]');
    expect(captureTargetsAtLoad()).toBe('[]');
  });
});
