// What a case of the reliability matrix is (cases/index.mjs runs them): its section and the types every case file
// names. Apart from index.mjs, so that naming them does not load the whole matrix (a case file's types stay checkable
// on their own).
/** @typedef {keyof typeof SECTIONS} Section */
/** @typedef {Record<string, number | string | null | undefined>} Figures A case's measurements (`exit` is null when a signal ended the CLI). */
/** @typedef {{ pass: boolean, figures: Figures, failures: string[] }} Verdict */
/** @typedef {Verdict & { id: string, section: Section, injected: string, expected: string, wallMs: number }} CaseResult */
/** @typedef {import('../lab.mjs').Lab} Lab An emulator (plus, on demand, a --tls one, a proxy and servers) that one case uses at a time. */
/** @typedef {ReturnType<typeof import('../lab.mjs').labPool>} LabPool */

/**
 * @typedef {object} Case
 * @property {string} id
 * @property {Section} section
 * @property {string} injected
 * @property {string} expected
 * @property {boolean} [heavy] Long-running (many CLI runs): started first.
 * @property {boolean} [reduced] Part of the reduced matrix that `npm test` runs.
 * @property {(lab: Lab) => Promise<Verdict>} run
 */

export const SECTIONS = {
  faults: '1. Server and network faults',
  input: '2. Bad input (answered before any network call)',
  secrets: '3. Secrets and the contexts file',
  proxy: '4. Proxy and TLS',
  adversarial: '5. Adversarial: the rules of issues #8 and #18',
  oauth: '6. OAuth client credentials',
  users: '7. Users and roles: offboarding and role changes',
  lifecycle: "8. A key's whole life: rotate, exec, audit",
  scim: '9. SCIM keys: auth binding, uniqueness, atomic PATCH, revocation',
};
