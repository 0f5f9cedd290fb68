#!/usr/bin/env node
// Puts @audit-log/model inside functions/ for a deploy, and takes it out again afterwards.
//
// `firebase deploy` uploads only functions/, and Cloud Build installs its dependencies there, so
// the workspace path functions/package.json names for the model (file:../packages/audit-model)
// does not exist on the build machine. `pack` (a `predeploy` step in firebase.json) packs the
// model into functions/.deploy/ and points the dependency at that tarball, which is uploaded with
// the code; `restore` (the `postdeploy` step) points it back at the workspace and removes the
// tarball. `pack` restores first, so a deploy that failed half way is simply run again; run
// `node tools/deploy/functions-model.mjs restore` to tidy up after one you abandon.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../emulators/paths.mjs';

const MODEL = '@audit-log/model';
const WORKSPACE_SPEC = 'file:../packages/audit-model';
const functionsDir = path.join(projectRoot, 'functions');
const manifestFile = path.join(functionsDir, 'package.json');
const tarballDir = path.join(functionsDir, '.deploy');

/** Sets the model's dependency spec in functions/package.json, leaving the rest of the file as it is. */
function pointModelAt(spec) {
  const text = readFileSync(manifestFile, 'utf8');
  const current = JSON.parse(text).dependencies?.[MODEL];
  if (current === undefined) throw new Error(`functions/package.json does not depend on ${MODEL}`);
  if (current === spec) return;
  writeFileSync(
    manifestFile,
    text.replace(`"${MODEL}": ${JSON.stringify(current)}`, `"${MODEL}": ${JSON.stringify(spec)}`),
  );
}

function restore() {
  pointModelAt(WORKSPACE_SPEC);
  rmSync(tarballDir, { recursive: true, force: true });
}

function pack() {
  restore();
  mkdirSync(tarballDir, { recursive: true });
  // `npm pack` runs the model's prepack script, so the tarball holds a fresh build.
  const output = execFileSync('npm', ['pack', '--workspace', MODEL, '--pack-destination', tarballDir, '--json'], {
    cwd: projectRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [{ filename }] = JSON.parse(output);
  pointModelAt(`file:.deploy/${path.basename(filename)}`);
  console.log(`functions/package.json: ${MODEL} from functions/.deploy/${path.basename(filename)} for the upload`);
}

const commands = { pack, restore };
const command = commands[process.argv[2]];
if (!command) {
  console.error('usage: node tools/deploy/functions-model.mjs pack|restore');
  process.exit(2);
}
command();
