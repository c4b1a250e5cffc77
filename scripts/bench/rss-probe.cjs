// Loaded with `node --require` by `npm run bench` for the peak-memory rounds only: at exit it appends the process's
// peak resident set size (KiB) to the file named by BENCH_RSS_FILE.
'use strict';
process.on('exit', () => {
  const file = process.env.BENCH_RSS_FILE;
  if (file) require('node:fs').appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
});
