/**
 * A small, strict JSON5 reader for `openclaw.json`. OpenClaw's config is JSON5 (comments, unquoted
 * keys, single quotes, trailing commas, hex numbers, Infinity/NaN), and the agent may not depend on
 * the `json5` package, so this is the grammar at https://spec.json5.org/ and nothing more.
 *
 * Errors name the line and column but never quote the text: the config holds secrets.
 */

export class Json5SyntaxError extends Error {
  readonly code = 'json5_syntax';
  readonly line: number;
  readonly column: number;

  constructor(reason: string, line: number, column: number) {
    super(`${reason} at line ${line}, column ${column}`);
    this.name = 'Json5SyntaxError';
    this.line = line;
    this.column = column;
  }
}

const SINGLE_ESCAPES: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  0: '\0',
  "'": "'",
  '"': '"',
  '\\': '\\',
  '/': '/',
};

const IDENTIFIER_START = /[\p{L}\p{Nl}$_]/u;
const IDENTIFIER_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_\u200c\u200d]/u;
const MAX_DEPTH = 256;

export function parseJson5(text: string): unknown {
  const reader = new Json5Reader(text);
  reader.skipSpaceAndComments();
  const value = reader.readValue(0);
  reader.skipSpaceAndComments();
  if (!reader.atEnd()) reader.fail('unexpected content after the value');
  return value;
}

class Json5Reader {
  private readonly text: string;
  private position = 0;

  constructor(text: string) {
    // A byte-order mark is not content.
    this.text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  fail(reason: string): never {
    const before = this.text.slice(0, this.position);
    const line = before.split('\n').length;
    const column = this.position - before.lastIndexOf('\n');
    throw new Json5SyntaxError(reason, line, column);
  }

  skipSpaceAndComments(): void {
    for (;;) {
      const char = this.text[this.position];
      if (char === undefined) return;
      if (/[\s\u2028\u2029\ufeff]/.test(char)) {
        this.position += 1;
      } else if (char === '/' && this.text[this.position + 1] === '/') {
        const end = this.text.indexOf('\n', this.position);
        this.position = end === -1 ? this.text.length : end + 1;
      } else if (char === '/' && this.text[this.position + 1] === '*') {
        const end = this.text.indexOf('*/', this.position + 2);
        if (end === -1) this.fail('unterminated comment');
        this.position = end + 2;
      } else {
        return;
      }
    }
  }

  readValue(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    const char = this.text[this.position];
    if (char === '{') return this.readObject(depth);
    if (char === '[') return this.readArray(depth);
    if (char === '"' || char === "'") return this.readString();
    if (char !== undefined && /[-+.\dIN]/.test(char)) return this.readNumber();
    if (this.consumeWord('true')) return true;
    if (this.consumeWord('false')) return false;
    if (this.consumeWord('null')) return null;
    return this.fail(char === undefined ? 'unexpected end of input' : 'unexpected character');
  }

  private consumeWord(word: string): boolean {
    if (!this.text.startsWith(word, this.position)) return false;
    const next = this.text[this.position + word.length];
    if (next !== undefined && IDENTIFIER_PART.test(next)) return false;
    this.position += word.length;
    return true;
  }

  private readObject(depth: number): Record<string, unknown> {
    // A null prototype: a key named __proto__ in a config file stays a plain key.
    const object: Record<string, unknown> = Object.create(null);
    this.position += 1;
    this.skipSpaceAndComments();
    while (this.text[this.position] !== '}') {
      const key = this.readKey();
      this.skipSpaceAndComments();
      if (this.text[this.position] !== ':') this.fail('expected ":" after a key');
      this.position += 1;
      this.skipSpaceAndComments();
      object[key] = this.readValue(depth + 1);
      this.skipSpaceAndComments();
      if (this.text[this.position] === ',') {
        this.position += 1;
        this.skipSpaceAndComments();
      } else if (this.text[this.position] !== '}') {
        this.fail('expected "," or "}"');
      }
    }
    this.position += 1;
    return object;
  }

  private readArray(depth: number): unknown[] {
    const array: unknown[] = [];
    this.position += 1;
    this.skipSpaceAndComments();
    while (this.text[this.position] !== ']') {
      array.push(this.readValue(depth + 1));
      this.skipSpaceAndComments();
      if (this.text[this.position] === ',') {
        this.position += 1;
        this.skipSpaceAndComments();
      } else if (this.text[this.position] !== ']') {
        this.fail('expected "," or "]"');
      }
    }
    this.position += 1;
    return array;
  }

  private readKey(): string {
    const char = this.text[this.position];
    if (char === '"' || char === "'") return this.readString();
    let key = '';
    for (;;) {
      const next = this.text[this.position];
      if (next === '\\') {
        key += this.readUnicodeEscapeInIdentifier();
        continue;
      }
      if (next === undefined) break;
      const allowed = key === '' ? IDENTIFIER_START.test(next) : IDENTIFIER_PART.test(next);
      if (!allowed) break;
      key += next;
      this.position += 1;
    }
    if (key === '') this.fail('expected a key');
    return key;
  }

  private readUnicodeEscapeInIdentifier(): string {
    if (this.text[this.position + 1] !== 'u') this.fail('invalid escape in a key');
    this.position += 2;
    return this.readHex(4);
  }

  private readHex(digits: number): string {
    const hex = this.text.slice(this.position, this.position + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) this.fail('invalid hex escape');
    this.position += digits;
    return String.fromCharCode(Number.parseInt(hex, 16));
  }

  private readString(): string {
    const quote = this.text[this.position];
    this.position += 1;
    let value = '';
    for (;;) {
      const char = this.text[this.position];
      if (char === undefined) this.fail('unterminated string');
      this.position += 1;
      if (char === quote) return value;
      if (char === '\n' || char === '\r') this.fail('line break inside a string');
      if (char !== '\\') {
        value += char;
        continue;
      }
      const escaped = this.text[this.position];
      if (escaped === undefined) this.fail('unterminated string');
      this.position += 1;
      if (escaped === 'u') value += this.readHex(4);
      else if (escaped === 'x') value += this.readHex(2);
      else if (escaped === '\r') {
        // A line continuation: backslash, newline; the newline is not part of the value.
        if (this.text[this.position] === '\n') this.position += 1;
      } else if (escaped === '\n' || escaped === '\u2028' || escaped === '\u2029') {
        // line continuation
      } else if (escaped in SINGLE_ESCAPES) {
        if (escaped === '0' && /\d/.test(this.text[this.position] ?? '')) this.fail('octal escapes are not allowed');
        value += SINGLE_ESCAPES[escaped];
      } else if (/[1-9]/.test(escaped)) {
        this.fail('octal escapes are not allowed');
      } else {
        value += escaped;
      }
    }
  }

  private readNumber(): number {
    const rest = this.text.slice(this.position);
    const match = /^[-+]?(?:Infinity|NaN|0[xX][0-9a-fA-F]+|(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)/.exec(rest);
    if (!match) return this.fail('invalid number');
    const literal = match[0];
    const next = this.text[this.position + literal.length];
    if (next !== undefined && IDENTIFIER_PART.test(next)) this.fail('invalid number');
    this.position += literal.length;
    const sign = literal.startsWith('-') ? -1 : 1;
    const unsigned = literal.replace(/^[-+]/, '');
    if (unsigned === 'Infinity') return sign * Infinity;
    if (unsigned === 'NaN') return NaN;
    if (/^0[xX]/.test(unsigned)) return sign * Number.parseInt(unsigned.slice(2), 16);
    return sign * Number(unsigned);
  }
}
