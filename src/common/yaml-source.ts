// Parses YAML while keeping the document tree, so that any later check can point at the exact
// line and column of the value (or key) it complains about.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { InputFileError, errorMessage, type SourcePosition } from './errors.js';
import { findYamlHazard } from './yaml-hazards.js';
import { invalidUtf8Offset, spotOfByte, spotOfChar, unprintableCharacter } from './yaml-text.js';

export type YamlPath = readonly (string | number)[];

export interface YamlSource {
  file: string;
  /** The document as plain data (maps as objects, merge keys applied). */
  value: unknown;
  /**
   * Position of the node at `path`; with `key`, of the map key that holds it. When the path does
   * not exist (a missing required key), the deepest existing ancestor's position is returned.
   */
  positionOf(path: YamlPath, options?: { key?: boolean }): SourcePosition;
  /** The scalar at `path` as written (unquoted), for values YAML would otherwise reinterpret (`1.10`). */
  scalarSourceAt(path: YamlPath): string | undefined;
}

/** Builds the error for malformed input; each kind of file (topology, scenario, daemon config) has its own. */
export type InputErrorFactory = (position: SourcePosition, problem: string) => InputFileError;

const yamlError: InputErrorFactory = (position, problem) => new InputFileError('YAML_INVALID', position, problem);

/**
 * The text of an input file's bytes; throws (through `makeError`) at the first byte that is not
 * UTF-8, where Node's own decoding would put U+FFFD in its place and go on.
 */
export const decodeYamlBytes = (bytes: Uint8Array, file: string, makeError: InputErrorFactory = yamlError): string => {
  const bad = invalidUtf8Offset(bytes);
  if (bad === undefined) return new TextDecoder().decode(bytes);
  const byte = bytes[bad]!.toString(16).padStart(2, '0');
  throw makeError({ file, ...spotOfByte(bytes, bad) }, `byte 0x${byte} is not UTF-8; save the file as UTF-8`);
};

/**
 * Throws (through `makeError`) for malformed YAML, characters YAML does not allow, an empty
 * file or several documents, duplicate keys, tags, aliases without an anchor, and anything else
 * that would make the data differ from what the file seems to say (see yaml-hazards.ts).
 */
export const parseYaml = (text: string, file: string, makeError: InputErrorFactory = yamlError): YamlSource => {
  const unprintable = unprintableCharacter(text);
  if (unprintable !== undefined) throw makeError({ file, ...spotOfChar(text, unprintable.offset) }, unprintable.problem);
  const lineCounter = new LineCounter();
  // merge: containerlab (go-yaml) honours `<<: *anchor`, which YAML 1.2 otherwise treats as a key.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line: Math.max(line, 1), column: Math.max(col, 1) };
  };
  // Warnings (such as an unknown `!tag`) would otherwise change values silently.
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) {
    const what = problem.code === 'DUPLICATE_KEY' ? `duplicate key ${keyAt(text, problem.pos[0])}` : problem.message;
    throw makeError(at(problem.pos[0]), `invalid YAML: ${what}`);
  }
  if (doc.contents === null) throw makeError(at(0), 'the file is empty: it holds no YAML document');
  const hazard = findYamlHazard(doc, (offset) => at(offset).line);
  if (hazard !== undefined) {
    const written = hazard.written === undefined ? -1 : text.lastIndexOf(hazard.written, hazard.offset);
    throw makeError(at(written >= 0 ? written : hazard.offset), hazard.problem);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // What the checks above do not foresee (e.g. aliases expanding past maxAliasCount) still names the file.
    throw makeError(at(rangeStart(doc.contents) ?? 0), `invalid YAML: ${errorMessage(error)}`);
  }

  const positionOf = (path: YamlPath, options: { key?: boolean } = {}): SourcePosition => {
    const found = walk(doc, path);
    const target = options.key === true && found.depth === path.length ? (found.pair?.key ?? found.node) : found.node;
    return at(rangeStart(target) ?? rangeStart(found.pair?.key) ?? 0);
  };
  const scalarSourceAt = (path: YamlPath): string | undefined => {
    const found = walk(doc, path);
    return found.depth === path.length && isScalar(found.node) ? found.node.source : undefined;
  };
  return { file, value, positionOf, scalarSourceAt };
};

/** The key written at `offset`, for messages: the library's error spans only its first character. */
const keyAt = (text: string, offset: number): string => {
  const written = /^("[^"\n]*"|'[^'\n]*'|[^:\n,{}[\]]*)/.exec(text.slice(offset))?.[0].trim() ?? '';
  return /^["']/.test(written) ? written : `'${written}'`;
};

interface Found {
  node: unknown;
  /** The map entry that held `node`, when it came from a map. */
  pair: Pair | undefined;
  /** How many path elements were matched. */
  depth: number;
}

const walk = (doc: Document, path: YamlPath): Found => {
  let found: Found = { node: doc.contents, pair: undefined, depth: 0 };
  for (const step of path) {
    const next = child(doc, found.node, step);
    if (next === undefined) return found;
    found = { ...next, depth: found.depth + 1 };
  }
  return found;
};

const child = (doc: Document, parent: unknown, step: string | number): Omit<Found, 'depth'> | undefined => {
  const node = deref(doc, parent);
  if (isSeq(node)) {
    return typeof step === 'number' && step < node.items.length ? { node: node.items[step], pair: undefined } : undefined;
  }
  if (!isMap(node)) return undefined;
  const pair = node.items.find((item) => !isMergeKey(item.key) && keyText(item.key) === String(step));
  if (pair !== undefined) return { node: pair.value ?? pair.key, pair };
  // Keys brought in by `<<: *anchor` (or `<<: [*a, *b]`, earlier sources winning) live in the anchor.
  for (const merge of node.items.filter((item) => isMergeKey(item.key))) {
    const source = deref(doc, merge.value);
    const sources = isSeq(source) ? source.items : [source];
    for (const each of sources) {
      const inherited = child(doc, each, step);
      if (inherited !== undefined) return inherited;
    }
  }
  return undefined;
};

const deref = (doc: Document, node: unknown): unknown => (isAlias(node) ? node.resolve(doc) : node);

const keyText = (key: unknown): string | undefined => (isScalar(key) ? String(key.value) : undefined);

// With `merge` on, a plain `<<` key is composed as a symbol; a quoted '<<' stays an ordinary key.
const isMergeKey = (key: unknown): boolean => isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';

const rangeStart = (node: unknown): number | undefined => (isNodeWithRange(node) ? node.range[0] : undefined);

const isNodeWithRange = (node: unknown): node is Node & { range: [number, number, number] } =>
  typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range);
