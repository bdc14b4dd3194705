/**
 * Terminal safety for the untrusted text diagnose echoes (log lines, error messages, CloudTrail
 * fields): a pasted log can carry escape sequences that clear the screen, retitle the window,
 * rewrite what was printed before, or hide a link behind harmless text (OSC 8). They are removed,
 * not escaped: the report is read by people, and what remains is the text the sequences decorated.
 */

// OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \ or C1 0x9c), or to the line's end when
// never terminated (or cut by another escape); 7-bit (ESC ] / P / X / ^ / _) and 8-bit (0x9d, 0x90, 0x98, 0x9e, 0x9f) openers.
const STRING_SEQUENCE = /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u009c\u001b\n]*(?:\u0007|\u009c|\u001b\\|(?=\u001b)|(?=\n)|$)/g;
// CSI: ESC [ or 0x9b, parameter bytes, intermediate bytes, one final byte (e.g. ESC[2J, ESC[31m).
const CSI = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?/g;
// Any other escape: ESC, intermediates, one final byte (ESC c, ESC ( B, ESC 7).
const ESCAPE = /\u001b[ -/]*[0-~]?/g;
// What is left of C0 (but tab and newline), DEL and C1.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The text without terminal control sequences and control characters; `\n` and `\t` are kept, `\r\n` becomes `\n`. */
export function stripControls(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(STRING_SEQUENCE, "").replace(CSI, "").replace(ESCAPE, "").replace(CONTROL, "");
}
