// Terminal safety: text that a server, a file or a user supplied never reaches a terminal with the power to move the
// cursor, change colours, set the window title, hide text or reorder it. Applied to everything written to stderr and
// to human (non-JSON) output on stdout. JSON output stays exact JSON: what a terminal would act on is written as a
// string escape (inertData).

// ESC-introduced sequences (CSI, OSC, DCS, SOS/PM/APC, two-byte escapes), then single control characters:
// C0 other than TAB and LF, DEL, C1, and the Unicode bidirectional controls (embeddings, overrides, isolates).
const SEQUENCES =
  // eslint-disable-next-line no-control-regex
  /\u001b\[[0-?]*[ -/]*[@-~]?|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[P^_X][^\u001b]*(?:\u001b\\)?|\u001b[\s\S]?/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// What a terminal would act on inside otherwise exact data: C0 other than TAB, LF and CR (JSON whitespace), DEL, C1,
// the bidirectional controls and the Unicode line separators.
const ACTIVE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Data (JSON, a response body) made inert for a terminal without changing what it says: each active character is
 * written as a `\uXXXX` escape. In JSON such characters can only stand inside strings, where the escape denotes the
 * same character, so valid JSON stays valid and parses to the same value.
 */
export function inertData(text: string): string {
  return text.replace(ACTIVE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A text body (not JSON) made inert for a terminal: as inertData, and a carriage return that does not end a line
 * (CR not followed by LF, which would move the cursor back and let later text hide earlier text) escaped too. CRLF
 * line ends show exactly as LF ones and stay.
 */
export function inertText(text: string): string {
  return inertData(text).replace(/\r(?!\n)/g, '\\u000d');
}

/** Remove escape sequences and control characters (keeps TAB and LF). */
export function stripControls(text: string): string {
  return text.replace(SEQUENCES, '').replace(CONTROLS, '');
}

/** One field of a table or a `key: value` line: controls removed and line breaks shown as spaces. */
export function safeField(text: string): string {
  return stripControls(text).replace(/[\t\n]/g, ' ');
}
