#!/usr/bin/env node
// The launcher. Help pages and `qlik version` come from text rendered at build time (dist/fast.cjs), so they cost
// little more than starting Node; everything else loads the CLI (dist/main.cjs), where all behaviour lives.
'use strict';
const argv = process.argv.slice(2);
const text = require('../dist/fast.cjs').answer(argv);
if (text === undefined) {
  require('./load-main.cjs').loadMain().exports.run(argv);
} else {
  require('../dist/fast.cjs').writeOut(text);
}
