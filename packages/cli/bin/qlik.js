#!/usr/bin/env node
// Thin launcher: all behaviour, including exit codes, lives in dist/main.js.
import('../dist/main.js').then((m) => m.run(process.argv.slice(2)));
