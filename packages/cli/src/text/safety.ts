// Terminal safety: text that a server, a file or a user supplied never reaches a terminal with the power to move the
// cursor, change colours, set the window title, hide text or reorder it. Applied to everything written to stderr and
// to human (non-JSON) output on stdout; JSON output stays exact JSON (its string escapes already make it inert).

// ESC-introduced sequences (CSI, OSC, DCS, SOS/PM/APC, two-byte escapes), then single control characters:
// C0 other than TAB and LF, DEL, C1, and the Unicode bidirectional controls (embeddings, overrides, isolates).
// eslint-disable-next-line no-control-regex
const SEQUENCES = /\u001b\[[0-?]*[ -/]*[@-~]?|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[P^_X][^\u001b]*(?:\u001b\\)?|\u001b[\s\S]?/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Remove escape sequences and control characters (keeps TAB and LF). */
export function stripControls(text: string): string {
  return text.replace(SEQUENCES, '').replace(CONTROLS, '');
}

/** Whether a string holds anything stripControls would remove. */
export function hasControls(text: string): boolean {
  SEQUENCES.lastIndex = 0;
  CONTROLS.lastIndex = 0;
  const found = SEQUENCES.test(text) || CONTROLS.test(text);
  SEQUENCES.lastIndex = 0;
  CONTROLS.lastIndex = 0;
  return found;
}

/** One field of a table or a `key: value` line: controls removed and line breaks shown as spaces. */
export function safeField(text: string): string {
  return stripControls(text).replace(/[\t\n]/g, ' ');
}
