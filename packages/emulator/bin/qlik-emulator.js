#!/usr/bin/env node
// The parent pid is read first, before anything is loaded: a parent that dies while Node starts is noticed.
const ppidAtStart = process.ppid;
// The bundle is build output (not type-checked): its path is a variable so that tsc does not load it.
const MAIN = '../dist/main.js';
void import(MAIN).then((/** @type {{ run(argv: string[], ppidAtStart: number): void }} */ m) =>
  m.run(process.argv.slice(2), ppidAtStart),
);
