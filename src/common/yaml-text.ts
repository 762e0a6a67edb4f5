// The characters of an input file, before YAML sees them: the bytes must be UTF-8 (Node's
// default decoder would turn a bad byte into U+FFFD and parse on), and the text may hold only
// what YAML 1.2 calls printable (§5.1) — no control characters, no byte-order mark but a
// leading one. Each problem comes back with where it sits.

/** Offset (in bytes) of the first byte that is not part of well-formed UTF-8, or undefined. */
export const invalidUtf8Offset = (bytes: Uint8Array): number | undefined => {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length =
      lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    const second = bytes[i + 1] ?? 0;
    // Overlong forms, UTF-16 surrogates and code points beyond U+10FFFF (RFC 3629 §4).
    if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f)) return i;
    if ((lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return undefined;
};

export interface TextSpot {
  line: number;
  column: number;
}

/** 1-based line and column (in characters) of a byte offset. */
export const spotOfByte = (bytes: Uint8Array, offset: number): TextSpot => {
  const before = bytes.subarray(0, offset);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  const line = before.reduce((n, b) => (b === 0x0a ? n + 1 : n), 1);
  return { line, column: new TextDecoder().decode(before.subarray(lineStart)).length + 1 };
};

/** 1-based line and column of a character offset. */
export const spotOfChar = (text: string, offset: number): TextSpot => {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
};

// YAML's printable set is tab, LF, CR, x20–x7E, x85, xA0–xD7FF, xE000–xFFFD and beyond; lone
// surrogates cannot occur in text decoded from UTF-8.
// eslint-disable-next-line no-control-regex -- the control characters are what it finds
const NOT_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|(?<!^)\uFEFF/u;

/** The first character YAML does not allow, with a description, or undefined. */
export const unprintableCharacter = (text: string): { offset: number; problem: string } | undefined => {
  const match = NOT_PRINTABLE.exec(text);
  if (match === null) return undefined;
  const code = match[0].codePointAt(0)!;
  const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const problem =
    code === 0xfeff
      ? `a byte-order mark (${name}) inside the file; only the very first character may be one`
      : `control character ${name} is not allowed in YAML; remove it or write it as an escape in a double-quoted string`;
  return { offset: match.index, problem };
};
