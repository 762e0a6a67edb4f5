// What the YAML library accepts (or throws on only when the tree is turned into data) but an
// input file of this project must not contain: an alias to no anchor (a bare ReferenceError
// later), an anchor defined twice (the later silently wins), tags (`!!binary` gives a Buffer,
// `!!set` a Set: no schema here expects them), merge keys that name no map, and keys that are
// maps or lists (stringified with only a process warning). Each is reported at its node.
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, visit, type Document, type Node } from 'yaml';

export interface YamlHazard {
  /** Offset in the text of the node at fault. */
  offset: number;
  problem: string;
  /** The property as written (`&x`, `!!binary`), which the source has before `offset`: point at it rather than the value. */
  written?: string;
}

/** Tags that only restate what a plain scalar or collection already is. */
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

const offsetOf = (node: unknown): number => {
  const range = (node as { range?: unknown } | null)?.range;
  return Array.isArray(range) && typeof range[0] === 'number' ? range[0] : 0;
};

const showTag = (tag: string): string => tag.replace(/^tag:yaml\.org,2002:/, '!!');

const isMergeKey = (key: unknown): boolean => isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';

/** The first hazard in document order, or undefined when the tree is plain data; `lineOf` names earlier places. */
export const findYamlHazard = (doc: Document, lineOf: (offset: number) => number): YamlHazard | undefined => {
  const anchors = new Map<string, number>();
  let found: YamlHazard | undefined;
  const report = (node: unknown, problem: string, written?: string) => {
    found = written === undefined ? { offset: offsetOf(node), problem } : { offset: offsetOf(node), problem, written };
    return visit.BREAK;
  };
  const anchorAt = (node: Node): string | undefined => {
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor === undefined) return undefined;
    const first = anchors.get(anchor);
    if (first !== undefined) return `anchor &${anchor} is defined twice (first on line ${lineOf(first)}); give each anchor its own name`;
    anchors.set(anchor, offsetOf(node));
    return undefined;
  };
  visit(doc, {
    Alias(_key, alias, path) {
      // An alias may refer only to an anchor defined before it (YAML 1.2 §7.1).
      if (!anchors.has(alias.source)) return report(alias, `alias *${alias.source} refers to no anchor defined before it`);
      const target = alias.resolve(doc);
      if (path.includes(target as never)) return report(alias, `alias *${alias.source} is inside the value it refers to (a cycle)`);
      return undefined;
    },
    Node(_key, node) {
      if (isAlias(node)) return undefined;
      const anchorProblem = anchorAt(node);
      if (anchorProblem !== undefined) return report(node, anchorProblem, `&${String((node as { anchor?: string }).anchor)}`);
      // `tag` is set only when the source wrote one; resolved plain values leave it undefined.
      const tag = (node as { tag?: string }).tag;
      if (tag !== undefined && !PLAIN_TAGS.has(tag)) {
        return report(node, `tag ${showTag(tag)} is not supported here; write the value plainly`, showTag(tag));
      }
      return undefined;
    },
    Pair(_key, pair) {
      if (isCollection(pair.key)) return report(pair.key, 'a map key must be a plain value, not a map or list');
      if (isMergeKey(pair.key) && !mergesMaps(doc, pair.value)) {
        return report(pair.value ?? pair.key, 'a merge key (<<) takes a map, an alias of a map, or a list of them');
      }
      return undefined;
    },
  });
  return found;
};

const mergesMaps = (doc: Document, value: unknown): boolean => {
  const isMapSource = (node: unknown): boolean => isMap(isAlias(node) ? node.resolve(doc) : node);
  if (isSeq(value)) return value.items.length > 0 && value.items.every((item) => !isPair(item) && isMapSource(item));
  return isMapSource(value);
};
