/**
 * Text from agents and users, made safe to print on a terminal. Snapshots carry strings a hostile
 * or broken host chose (cron names, `gateway.failing`); written raw, an ESC or OSC sequence could
 * clear the screen, retitle the window or plant a hidden link, a CR could overwrite a line, and a
 * bidi override could make text read backwards. Every such character is shown as a visible escape
 * (`\x1b`, `\u202e`) instead, as the Slack renderer escapes for Slack.
 */

// C0 controls (TAB and LF included: inside a value they would fake a layout), DEL, C1 controls,
// and the bidi formatting characters: marks, embeddings, overrides and isolates.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control and bidi formatting character written as a visible escape. */
export function toTerminalText(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Several lines of text, each made safe, kept as lines: for answers the core composed. */
export function toTerminalLines(text: string): string {
  return text.split('\n').map(toTerminalText).join('\n');
}
