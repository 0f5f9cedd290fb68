#!/usr/bin/env node
// The verifier CLI (see `audit-verify --help`); built from functions/src/verify/cli.ts.
'use strict';
const { main } = require('../lib/verify/cli.js');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`audit-verify: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 2;
  },
);
