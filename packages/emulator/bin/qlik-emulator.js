#!/usr/bin/env node
// The parent pid is read first, before anything is loaded: a parent that dies while Node starts is noticed.
const ppidAtStart = process.ppid;
import('../dist/main.js').then((m) => m.run(process.argv.slice(2), ppidAtStart));
