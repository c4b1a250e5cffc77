#!/usr/bin/env node
// The bundle is build output (not type-checked): its path is a variable so that tsc does not load it.
const MAIN = '../dist/main.js';
void import(MAIN).then((/** @type {{ run(argv: string[]): void }} */ m) => m.run(process.argv.slice(2)));
