import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// Two emulator runs must never share a temp folder: the Storage emulator deletes
// `$TMPDIR/firebase/storage/blobs` when it stops, which took the files of a run beside it with
// them. Each environment is built in a separate Node process, as each run builds its own.
const ENV_MODULE = pathToFileURL(path.join(__dirname, 'env.mjs')).href;

interface SeenTmpDir {
  dir: string;
  existed: boolean;
}

/** The TMPDIR of `count` emulator environments built by one process, and whether each existed then. */
function tmpDirsOfOneProcess(count: number): SeenTmpDir[] {
  const script = `
    const { existsSync } = require('node:fs');
    import(${JSON.stringify(ENV_MODULE)}).then(({ emulatorEnv }) => {
      const dirs = Array.from({ length: ${count} }, () => emulatorEnv({}).TMPDIR);
      process.stdout.write(JSON.stringify(dirs.map((dir) => ({ dir, existed: existsSync(dir) }))));
    });`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as SeenTmpDir[];
}

describe('emulator environment', () => {
  it('gives every run a temp folder of its own, inside .emulators/tmp, gone when the run ends', () => {
    const seen = [...tmpDirsOfOneProcess(2), ...tmpDirsOfOneProcess(1)];
    const dirs = seen.map((s) => s.dir);

    expect(new Set(dirs).size).toBe(3);
    for (const { dir, existed } of seen) {
      expect(existed).toBe(true);
      expect(path.dirname(dir)).toBe(path.resolve(__dirname, '../../.emulators/tmp'));
      expect(existsSync(dir)).toBe(false);
    }
  });
});
