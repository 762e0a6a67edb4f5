// Random but reproducible damage to an input file, for the property test that every rejection
// names its place: line edits, character flips, inserted YAML syntax, wrong-typed values,
// indentation changes and bytes that are not UTF-8. A seeded PRNG, so a failure names the
// seed that reproduces it.

/** mulberry32: small, fast, and good enough to pick mutations. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const index = (random: Random, length: number): number => Math.floor(random() * length);

/** Stands for one byte that is not UTF-8; replaced by `toBytes`. */
const RAW_BYTE = '\uE000';
const RAW_BYTES = [0xff, 0xfe, 0x80, 0xc3, 0xe2, 0xf0, 0xc0, 0xed];

const SYNTAX = [
  '*x',
  '&y ',
  '!!str ',
  '!!binary ',
  '!!set ',
  '!foo ',
  ': ',
  '- ',
  '\t',
  '<<: *y',
  '---\n',
  '...\n',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '# ',
  '? ',
  '|',
  '>',
  ',',
  '%YAML 1.2\n',
  '@',
  '`',
  '\uFEFF',
  '\u0000',
  '\u0007',
  '&y [*y]',
  'key: 1\nkey: 2\n',
];
const WRONG_VALUES = [
  '[]',
  '{}',
  '~',
  'null',
  'true',
  '-1',
  '0',
  '1e999',
  '.nan',
  '0x10',
  '"x"',
  "'7'",
  '999999999999999999999',
  '[1, [2]]',
  '{a: {b: c}}',
  '2001-12-14',
  '1.10',
  'yes',
  '""',
  '-',
  '*x',
  '&y 5',
];
const FLIPS = [' ', ':', '-', '#', '\t', 'x', '0', '9', '"', '{', '[', '!', '&', '*', '|', '\n', RAW_BYTE];

type Mutation = (lines: string[], random: Random) => string[];

const MUTATIONS: Record<string, Mutation> = {
  deleteLine: (lines, r) => lines.filter((_, i) => i !== index(r, lines.length)),
  duplicateLine: (lines, r) => {
    const i = index(r, lines.length);
    return [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)];
  },
  swapLines: (lines, r) => {
    const out = [...lines];
    const [i, j] = [index(r, out.length), index(r, out.length)];
    [out[i], out[j]] = [out[j]!, out[i]!];
    return out;
  },
  flipCharacter: (lines, r) => editText(lines, r, (text, at) => text.slice(0, at) + pick(r, FLIPS) + text.slice(at + 1)),
  insertSyntax: (lines, r) => editText(lines, r, (text, at) => text.slice(0, at) + pick(r, SYNTAX) + text.slice(at)),
  insertRawByte: (lines, r) => editText(lines, r, (text, at) => text.slice(0, at) + RAW_BYTE + text.slice(at)),
  reindent: (lines, r) => {
    const i = index(r, lines.length);
    const line = lines[i]!;
    const shifted = r() < 0.5 ? `${' '.repeat(1 + index(r, 4))}${line}` : line.replace(/^ {1,3}/, '');
    return lines.map((l, k) => (k === i ? shifted : l));
  },
  wrongValue: (lines, r) => {
    const withValues = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*(- )?[A-Za-z_][\w.-]*:\s+\S/.test(l));
    if (withValues.length === 0) return lines;
    const [line, i] = pick(r, withValues);
    const replaced = line.replace(/^(\s*(?:- )?[A-Za-z_][\w.-]*:\s+).*$/, `$1${pick(r, WRONG_VALUES)}`);
    return lines.map((l, k) => (k === i ? replaced : l));
  },
};

function editText(lines: string[], random: Random, edit: (text: string, at: number) => string): string[] {
  const text = lines.join('\n');
  return edit(text, index(random, text.length + 1)).split('\n');
}

export interface Mutant {
  /** The mutations applied, in order, for the failure message. */
  applied: string[];
  bytes: Buffer;
}

/** One to three random mutations of `text`. */
export function mutate(text: string, random: Random): Mutant {
  let lines = text.split('\n');
  const applied: string[] = [];
  const count = 1 + index(random, 3);
  for (let i = 0; i < count; i++) {
    const name = pick(random, Object.keys(MUTATIONS));
    lines = MUTATIONS[name]!(lines, random);
    applied.push(name);
  }
  return { applied, bytes: toBytes(lines.join('\n'), random) };
}

function toBytes(text: string, random: Random): Buffer {
  const parts = text.split(RAW_BYTE).map((part) => Buffer.from(part, 'utf8'));
  const out: Buffer[] = [];
  parts.forEach((part, i) => {
    if (i > 0) out.push(Buffer.from([pick(random, RAW_BYTES)]));
    out.push(part);
  });
  return Buffer.concat(out);
}
