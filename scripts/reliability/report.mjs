// Rendering the matrix: one table (rows grouped by section), the totals line, and docs/RELIABILITY.md.
import { cpus, loadavg, release } from 'node:os';
import { SECTIONS } from './cases/case.mjs';

/** @typedef {import('./cases/case.mjs').CaseResult} CaseResult */
/** @typedef {import('./cases/case.mjs').Figures} Figures */
/** @typedef {ReturnType<typeof totals>} Totals */

/** @type {[string, string][]} */
const FIGURES = [
  ['attempts', 'attempts'],
  ['exit', 'exit'],
  ['duplicates', 'dup'],
  ['orphans', 'orphans'],
  ['leaked', 'leaked'],
  ['esc', 'ESC'],
  ['cutAfterS', 'cut after (s)'],
  ['network', 'net calls'],
  ['lines', 'stderr lines'],
  ['untouched', 'files untouched'],
  ['tunnels', 'tunnels'],
  ['forwarded', 'forwarded'],
  ['sink', 'sink hits'],
  ['samples', 'cmdline samples'],
  ['runs', 'runs'],
  ['delivered', 'delivered'],
  ['working', 'tokens working'],
  ['faulted', 'faulted'],
  ['candidates', 'candidates'],
  ['remote', 'remote peer'],
  ['start', 'start'],
  ['trials', 'trials'],
  ['killedInLock', 'killed mid-write'],
  ['broken', 'broken'],
  ['blocked', 'blocked'],
  ['pairs', 'pairs'],
  ['lost', 'lost'],
  ['file', 'file'],
  ['dir', 'dir'],
  ['spanMs', 'rotation ms'],
  ['killedIn', 'killed in'],
  ['contextBroken', 'contexts without a working key'],
  ['wrongKeyCount', 'wrong key counts'],
];

/**
 * @param {Figures} figures
 * @returns {string}
 */
export function formatFigures(figures) {
  const parts = [];
  for (const [key, label] of FIGURES)
    if (figures[key] !== undefined && figures[key] !== null) parts.push(`${label} ${figures[key]}`);
  if (typeof figures.ms === 'number') parts.push(`${(figures.ms / 1000).toFixed(1)} s`);
  return parts.join(', ');
}

/** @param {unknown} text */
function cell(text) {
  return String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/**
 * One markdown table: a bold row per section, then a row per case.
 * @param {CaseResult[]} results
 * @returns {string}
 */
export function table(results) {
  const lines = ['| id | injected | expected | result | figures |', '| --- | --- | --- | --- | --- |'];
  for (const [section, title] of Object.entries(SECTIONS)) {
    const rows = results.filter((r) => r.section === section);
    if (rows.length === 0) continue;
    lines.push(`| **${cell(title)}** | | | | |`);
    for (const r of rows) {
      const verdict = r.pass
        ? 'PASS'
        : `**FAIL**: ${r.failures.slice(0, 3).join('; ')}${r.failures.length > 3 ? ` (+${r.failures.length - 3} more)` : ''}`;
      lines.push(
        `| ${cell(r.id)} | ${cell(r.injected)} | ${cell(r.expected)} | ${cell(verdict)} | ${cell(formatFigures(r.figures))} |`,
      );
    }
  }
  return lines.join('\n');
}

/** @type {(rows: CaseResult[], key: string) => number} */
const sum = (rows, key) => rows.reduce((n, r) => n + (typeof r.figures[key] === 'number' ? r.figures[key] : 0), 0);

/** @param {CaseResult[]} results */
export function totals(results) {
  /** @param {string} section */
  const of = (section) => results.filter((r) => r.section === section);
  /** @type {Figures} */
  const kill = results.find((r) => r.id === 'secrets/kill-9')?.figures ?? {};
  /** @type {Figures} */
  const conc = results.find((r) => r.id === 'secrets/concurrent-updates')?.figures ?? {};
  const input = of('input');
  const adversarial = of('adversarial');
  const oauth = of('oauth');
  const users = of('users');
  const scim = of('scim');
  return {
    faults: of('faults').length,
    duplicates: sum(results, 'duplicates'),
    orphans: sum(results, 'orphans'),
    leaked: sum(results, 'leaked'),
    badInputs: input.length,
    networkCalls: sum(input, 'network'),
    killTrials: kill.trials ?? 0,
    broken: kill.broken ?? 0,
    pairs: conc.pairs ?? 0,
    lost: conc.lost ?? 0,
    attacks: adversarial.length,
    held: adversarial.filter((r) => r.pass).length,
    oauth: oauth.length,
    oauthHeld: oauth.filter((r) => r.pass).length,
    users: users.length,
    usersHeld: users.filter((r) => r.pass).length,
    scim: scim.length,
    scimHeld: scim.filter((r) => r.pass).length,
    passed: results.filter((r) => r.pass).length,
    failed: results.filter((r) => !r.pass).length,
  };
}

/**
 * @param {Totals} t
 * @returns {string}
 */
export function totalsLine(t) {
  return (
    `faults ${t.faults}, duplicates ${t.duplicates}, orphans ${t.orphans}, leaked secrets ${t.leaked}, ` +
    `bad inputs ${t.badInputs} with ${t.networkCalls} network calls, kill-9 trials ${t.killTrials} with ${t.broken} broken files, ` +
    `concurrent updates ${t.pairs} with ${t.lost} lost, attacks ${t.attacks}, held ${t.held}, oauth cases ${t.oauth}, held ${t.oauthHeld}, users cases ${t.users}, held ${t.usersHeld}, scim cases ${t.scim}, held ${t.scimHeld}`
  );
}

export function machine() {
  const cpu = cpus();
  return {
    node: process.version,
    cores: cpu.length,
    cpu: cpu[0]?.model?.trim() ?? 'unknown',
    os: `${process.platform} ${release()}`,
    load: loadavg()
      .map((x) => x.toFixed(1))
      .join(' '),
  };
}

/**
 * The whole report (docs/RELIABILITY.md) of a run.
 * @param {{ results: CaseResult[], wallMs: number, started: Date, machineInfo: ReturnType<typeof machine>, loadAtEnd: string }} run
 * @returns {string}
 */
export function markdown({ results, wallMs, started, machineInfo, loadAtEnd }) {
  const t = totals(results);
  return `# Reliability and security matrix

Generated by \`npm run reliability -- --markdown docs/RELIABILITY.md\` (that is \`node scripts/reliability.mjs --markdown docs/RELIABILITY.md\`
after a build): every case below ran against \`qlik-emulator\` started as a process and the **built** \`qlik\`, each CLI
run a separate process with a temporary home (\`QLIK_CLI_USER_HOME_DIR\`) and without \`NODE_EXTRA_CA_CERTS\`, proxy or
\`QLIK_*\` variables unless the case sets them (the clean environment of the shared process kit, \`test/kit/process.mjs\`).
The cases live in \`scripts/reliability/cases/<section>.mjs\`; those marked \`reduced\` (a few per section, with fewer
kill -9 trials, concurrent pairs and parallel runs) run in \`npm test\` as \`test/reliability.test.ts\`.

- Date: ${started.toISOString()}
- Machine: Node ${machineInfo.node}, ${machineInfo.cores} cores (${machineInfo.cpu}), ${machineInfo.os}; load average ${machineInfo.load} at the start, ${loadAtEnd} at the end
- Wall time of the run: ${(wallMs / 1000).toFixed(0)} s; ${t.passed} cases passed, ${t.failed} failed

**${totalsLine(t)}**

${table(results)}

## What the figures mean

- **attempts**: requests of the case's method that reached the emulator, from its request log (\`GET /__emulator/requests\`);
  for "connection refused" the \`POST\` lines of the \`-v\` trace (nothing listens, so nothing is logged); for the
  self-signed certificate, TCP connections counted by a relay in front of the emulator (the handshake fails before HTTP);
  for OAuth cases, requests to \`/oauth/token\`.
- **exit**: the CLI's exit code.
- **dup** (duplicates): the invocation's keys still active in the database, minus 1 when it succeeded (minus 0 when it
  failed); for the concurrent creates, active keys minus delivered ones. A run's keys are found in the emulator's ledger
  by their description, which is unique to the case: exactly the user's, or the user's with a create tag
  (\` [qlik-cli:<nonce>.<n>]\`) still on. An active key that still carries a tag fails the case: every stored key must end
  with exactly the user's description.
- **orphans**: the invocation's keys that are still active although their token is not one the CLI printed on stdout.
- **leaked**: occurrences of an emulator token or OAuth access token (any JWT-shaped string, or the signature of a token
  seen), the caller's bearer value, a custom secret header value, an OAuth client secret or a proxy password, on stderr
  (every mode: \`-v\` traces, \`--json\`, errors), in files of \`~/.qlik\` other than those whose job is to hold them
  (temp files, lock directories), or in \`/proc/<pid>/cmdline\`; plus each of those own files (\`contexts.yml\`, its parsed
  copy \`.contexts.yml.cache.json\`, \`oauth-tokens.json\`) that others can read. For the runs that print no key
  (\`secrets/every-mode\`, the OAuth and rule-4 cases) stdout counts too.
- **ESC**: ESC (0x1B), C1 CSI (0x9B) and bidi controls (U+202A–U+202E, U+2066–U+2069) on stderr (rule 6 also counts them on stdout).
- **cut after (s)**: for slow-first-byte and trickle faults, how long the longest faulted request stayed open in the
  emulator's request log, i.e. when the CLI gave up on it (must be within \`QLIK_HTTP_TIMEOUT\` + 2.5 s of scheduling slack on a loaded machine).
- **net calls**: TCP connections accepted by a counting relay that stands in front of the emulator as the context's
  server during a bad-input case (stronger than the request log: it also sees a connection that never sends a request).
- **stderr lines** and **files untouched**: a bad input must be answered with exactly one \`Error: …\` line, no stack
  trace, and the sha256 of the contexts file and of every input file (\`-f\`, \`-c\`) must be the same afterwards.
- **tunnels** / **forwarded**: CONNECT tunnels the local proxy (\`scripts/reliability/net.mjs\`, loopback only, Basic auth)
  established, and plain-http requests it forwarded (absolute form). The proxy keeps an idle tunnel open for 30 s, so a
  proxied run that does not close its tunnel shows up as a run of 30 s; every proxy case must end within 10 s.
- **sink hits**: requests that reached a second local server (a redirect's or a next link's target, or \`--server\` / \`-c server:\`
  pointing away from the context's server); none may carry the context's credentials.
- **cmdline samples**: how many times \`/proc/<pid>/cmdline\` was read while the CLI was alive (waiting on a delayed answer, or on stdin).
- **trials / killed mid-write / broken / blocked**: \`kill -9\` runs of \`qlik context update\` (half at a random time
  over a typical run, half a few ms after the lock directory or temp file appears); how many were killed while a lock or
  temp file existed; how many left a missing, empty, unparsable or wrong contexts file; how many times the next write
  failed or was blocked by what the kill left. A completing write follows every 4th trial (and the last) and must leave no temp file or lock.
- **pairs / lost**: pairs of concurrent \`qlik context update\` (alternately the same context with different fields,
  and two contexts), and how many of the 2×pairs updates were missing from the file afterwards.
- **attacks / held** (totals line): the cases of section 5, at least one for each of the 18 rules of issue #8 (its id
  starts with the rule's number) and for each of the CLI's rules 1–17 of issue #18 (ids adversarial/i18-<rule>-…), and how many
  passed. **oauth cases / held**: the same for section 6; **users cases / held**: for section 7.
- **runs / delivered / working / faulted**: for multi-run cases, the CLI runs, the keys printed on stdout, how many of
  those tokens authenticated afterwards, and how many requests a fault rule answered.
- **candidates**: ids the untagged mode (\`QLIK_CREATE_TAG=0\`) named in its error instead of deleting anything.
- The time is the wall time of the CLI run (for multi-run cases, of the case).

## Notes

- Running as root, \`chmod 000\` does not make a file unreadable (root bypasses permission bits), so the
  "unreadable file" case runs the CLI as uid/gid 65534 (nobody) against a \`chmod 000\` file in a home chowned to
  that user. The FIFO (no writer) and UNIX-socket cases cover the other ways a path can be unreadable.
- argv cannot hold a NUL byte, so NUL in a header value is tested from a \`-c\` config file and from the context.
- Times are measured on a shared machine; the limits in the cases are generous for that reason, except where the
  point is to end fast (a retry-after beyond 300 s, a trickling body, a slow first byte, a declared body over the cap).
- The built CLI (\`packages/cli/bin\`, \`dist\`, \`package.json\`; the bundle has no runtime dependencies) is copied to a
  temporary directory when the run starts, so a rebuild by someone else during a long run cannot hand a case half a \`dist/\`.
- Rule 15's remote-peer check needs a non-loopback IPv4 address on this machine; without one the case says so in its
  figures and checks only the Host and content-type guards.
- The paging cap of rule 7 (\`MAX_PAGES\`, 10 000 pages) is not reached here: a fault rule answers with one fixed body,
  so it can make an empty page with a next link or a repeated link, not ten thousand distinct ones (the cap is tested
  in-process, \`packages/cli/src/cmd/api-key/ls.test.ts\`).
- Not covered, by design of the CLI: a server that commits a create *later* than the CLI's last check after a failed
  attempt leaves a key whose description still ends in that attempt's tag (\` [qlik-cli:<nonce>.<n>]\`), which tells it
  apart from every other run's key but is not removed by this run. The emulator's \`delay\` action executes the request as
  soon as the client disconnects, so it cannot model that case.

## Defects this matrix found (all fixed; paths as they were at the time)

| case | problem | fix |
| --- | --- | --- |
| proxy/https-proxy-auth, proxy/only-route | through \`HTTPS_PROXY\` the CLI opened the CONNECT tunnel and then sent the request **directly** to the server (Node ignores \`createConnection\` when a request has an \`agent\`, even \`agent: false\`); the idle tunnel then kept the process alive until the proxy dropped it (30 s here) | the request goes through the tunnel, and the tunnel's sockets end with the exchange (\`packages/cli/src/http/transport.ts\`, test in \`transport.test.ts\`) |
| ls/escape-in-next-link | \`-v\` printed a server-sent \`links.next\` URL percent-decoded, so \`%1B[31m\` reached the terminal as a raw escape | the trace strips control sequences (\`packages/cli/src/http/client.ts\`) |
| create/escape-in-id | a 201 without a token whose \`id\` held escapes was echoed raw in "Removed API key <id>" | every stderr warning strips control sequences (\`packages/cli/src/iostreams/iostreams.ts\`) |
| input/file-fifo | \`-f\` (and \`-c\`) on a FIFO without a writer hung forever in \`open(2)\` | open with \`O_NONBLOCK\`, then refuse anything but a regular file; a socket says "not a regular file" (\`packages/cli/src/config/readfile.ts\`, shared by -f, -c and contexts.yml) |
| rm/503-after, rm/reset-after | a DELETE retried after an attempt whose answer was lost got 404 and the run failed, although the key was gone | a 404 to a DELETE retried after a 5xx or a failure after sending counts as done (\`packages/cli/src/http/client.ts\`) |
| proxy/wrong-password | a proxy's 407 was reported as "timed out after 60s" | the proxy's status is reported, with a hint about the credentials (\`packages/cli/src/http/client.ts\`) |
| create/stdout-closed | with stdout closed (\`… \\| true\`) the key was created, its token lost, and the run exited 0 | the key is deleted and the run fails with one line (\`packages/cli/src/api/runner.ts\`) |
| create/clock-behind | the emulator's \`Date\` header ignored its own clock offset (\`POST /__emulator/time\`), so the CLI's skew correction missed the lost key: 1 orphan | the emulator's \`Date\` header comes from its clock (\`packages/emulator/src/server.ts\`) |
`;
}
