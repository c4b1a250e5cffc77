#!/usr/bin/env node
// Thin launcher: all behaviour, including exit codes, lives in dist/main.js.
// undici parses HTTP with a WebAssembly module; V8's background tier-up compile of it holds the process open for
// ~230 ms after the work is done. Liftoff's baseline code is plenty for a CLI, so skip the tier-up.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
import('../dist/main.js').then((m) => m.run(process.argv.slice(2)));
