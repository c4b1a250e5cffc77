// npm run reliability: the fault, bad-input, secrets and proxy/TLS matrix against the spawned emulator and the
// built CLI. Prints one table and the totals line on stdout (progress on stderr); exits 1 when any case fails.
//
//   node scripts/reliability.mjs                                 full run
//   node scripts/reliability.mjs --markdown docs/RELIABILITY.md  full run, also written as markdown
//   node scripts/reliability.mjs --reduced                       the subset `npm test` runs
//   node scripts/reliability.mjs --only create/503               cases whose id contains a string
//   node scripts/reliability.mjs --jobs 3                        cases run on 3 emulators at once (default 3)
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCases, runMatrix } from './reliability/cases/index.mjs';
import { machine, markdown, table, totals, totalsLine } from './reliability/report.mjs';

const { values } = parseArgs({
  options: {
    markdown: { type: 'string' },
    reduced: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    jobs: { type: 'string', default: '3' },
  },
});

const started = new Date();
const t0 = performance.now();
const machineInfo = machine();
const cases = buildCases({ reduced: values.reduced }).filter(
  (c) => !values.only || values.only.some((s) => c.id.includes(s)),
);
let done = 0;
const results = await runMatrix(cases, {
  reduced: values.reduced,
  jobs: Number(values.jobs) || 1,
  onResult(r) {
    done += 1;
    process.stderr.write(
      `[${done}/${cases.length}] ${r.pass ? 'PASS' : 'FAIL'} ${r.id} (${(r.wallMs / 1000).toFixed(1)} s)${r.pass ? '' : `: ${r.failures.join('; ')}`}\n`,
    );
  },
});
const wallMs = performance.now() - t0;
const t = totals(results);
process.stdout.write(`${table(results)}\n\n${totalsLine(t)}\n`);
process.stdout.write(`${t.passed} passed, ${t.failed} failed in ${(wallMs / 1000).toFixed(0)} s\n`);
if (values.markdown) {
  const path = resolve(values.markdown);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, markdown({ results, wallMs, started, machineInfo, loadAtEnd: machine().load }));
  process.stderr.write(`wrote ${path}\n`);
}
process.exitCode = t.failed > 0 ? 1 : 0;
