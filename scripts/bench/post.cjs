// The baseline of `npm run bench` for a create: the least a Node program can do to create an API key — one POST
// with node:http, the body printed. BENCH_URL and BENCH_TOKEN say where and as whom.
'use strict';
const http = require('node:http');
const url = new URL('/api/v1/api-keys', process.env.BENCH_URL);
const body = JSON.stringify({ description: 'baseline', expiry: 'PT1H' });
const req = http.request(
  url,
  {
    method: 'POST',
    headers: {
      authorization: `Bearer ${process.env.BENCH_TOKEN}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  },
  (res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      process.stdout.write(Buffer.concat(chunks));
      if (res.statusCode !== 201) process.exitCode = 1;
    });
  },
);
req.end(body);
