#!/usr/bin/env node
// The launcher. Help pages and `qlik version` come from text rendered at build time (dist/fast.cjs), so they cost
// little more than starting Node; everything else loads the CLI (dist/main.cjs), where all behaviour lives.
'use strict';
// The bundle is build output (not type-checked): its path is a variable so that tsc does not load it, and its shape
// is declared here.
const FAST = '../dist/fast.cjs';
const argv = process.argv.slice(2);
/** @type {{ answer(argv: string[]): string | undefined, writeOut(text: string): void }} */
const fast = require(FAST);
const text = fast.answer(argv);
if (text === undefined) {
  require('./load-main.cjs').loadMain().exports.run(argv);
} else {
  fast.writeOut(text);
}
