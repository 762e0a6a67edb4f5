// Runs the schema and turns the first problem in the file (by position, not by zod's traversal
// order) into a TopologyError with a sentence a user can act on.
import { z } from 'zod';
import { TopologyError } from '../common/errors.js';
import { UNSUPPORTED_LINK_KEYS, UNSUPPORTED_MGMT_KEYS, UNSUPPORTED_NODE_KEYS, UNSUPPORTED_TOP_LEVEL_KEYS } from './containerlab-keys.js';
import {
  ENDPOINT_KEYS,
  LINK_KEYS,
  MGMT_KEYS,
  NODE_KEYS,
  NODE_SETTING_KEYS,
  TOPOLOGY_KEYS,
  TOP_LEVEL_KEYS,
  topologyFileSchema,
  type TopologyFile,
} from './schema.js';
import { AT_KEY } from './value-schemas.js';
import type { YamlPath, YamlSource } from '../common/yaml-source.js';

export const validateTopologyFile = (source: YamlSource): TopologyFile => {
  const result = topologyFileSchema.safeParse(source.value);
  if (result.success) return result.data;
  const errors = result.error.issues.flatMap((issue) => toErrors(issue, source));
  // A missing key is reported at its parent, which would often shadow the more specific problem
  // that caused it (an unsupported link type is why `endpoints` is missing), so those come last.
  const specific = errors.filter((error) => !error.problem.startsWith(MISSING));
  const first = (specific.length > 0 ? specific : errors).reduce<TopologyError | undefined>(
    (best, error) => (best === undefined || isBefore(error, best) ? error : best),
    undefined,
  );
  // zod never fails without an issue; this keeps the type honest.
  throw first ?? new TopologyError(source.positionOf([]), 'the topology does not match the containerlab format');
};

const MISSING = 'missing required key';

const isBefore = (a: TopologyError, b: TopologyError): boolean =>
  a.position.line < b.position.line || (a.position.line === b.position.line && a.position.column < b.position.column);

const toErrors = (issue: z.ZodIssue, source: YamlSource): TopologyError[] => {
  const at = (path: YamlPath, key = false) => source.positionOf(path, { key });
  switch (issue.code) {
    case z.ZodIssueCode.unrecognized_keys:
      return issue.keys.map((key) => new TopologyError(at([...issue.path, key], true), unknownKeyMessage(issue.path, key)));
    case z.ZodIssueCode.invalid_union: {
      const branches = issue.unionErrors.map((error) => error.issues);
      const matching = branches.find((issues) => !issues.every((i) => i.code === 'invalid_type' && i.path.length === issue.path.length));
      if (matching !== undefined) return matching.flatMap((i) => toErrors(i, source));
      const expected = branches.flatMap((issues) =>
        issues.map((i) => (i.code === 'invalid_type' ? describeType(i.expected) : 'another value')),
      );
      return [new TopologyError(at(issue.path), `${showPath(issue.path)} must be ${expected.join(' or ')}, not ${describeValue(issue)}`)];
    }
    case z.ZodIssueCode.invalid_type:
      if (issue.received === z.ZodParsedType.undefined) {
        const parent = issue.path.slice(0, -1);
        return [new TopologyError(at(parent, true), `${MISSING} '${String(issue.path.at(-1))}' ${contextOf(parent).label}`)];
      }
      return [
        new TopologyError(
          at(issue.path),
          `${showPath(issue.path)} must be ${describeType(issue.expected)}, not ${describeType(issue.received)}`,
        ),
      ];
    case z.ZodIssueCode.custom: {
      // Custom issues come from our own checks and already are full sentences.
      const atKey = issue.params?.['at'] === AT_KEY.at;
      return [new TopologyError(at(issue.path, atKey), issue.message)];
    }
    default:
      return [new TopologyError(at(issue.path), `${showPath(issue.path)}: ${issue.message}`)];
  }
};

interface KeyContext {
  label: string;
  supported: readonly string[];
  unsupported: readonly string[];
  /** Real keys that are valid only somewhere else, with where they belong. */
  misplaced?: Readonly<Record<string, string>>;
}

const NODE_ONLY = { group: 'can only be set on a node' };

const contextOf = (path: YamlPath): KeyContext => {
  const [first, second, third, fourth] = path;
  if (first === undefined) return { label: 'at the top level', supported: TOP_LEVEL_KEYS, unsupported: UNSUPPORTED_TOP_LEVEL_KEYS };
  if (first === 'mgmt') return { label: 'in mgmt', supported: MGMT_KEYS, unsupported: UNSUPPORTED_MGMT_KEYS };
  const node = { supported: NODE_SETTING_KEYS, unsupported: UNSUPPORTED_NODE_KEYS, misplaced: NODE_ONLY };
  switch (second) {
    case undefined:
      return { label: 'in topology', supported: TOPOLOGY_KEYS, unsupported: [] };
    case 'defaults':
      return { ...node, label: 'in topology.defaults' };
    case 'kinds':
      return {
        ...node,
        label: `in kind '${String(third)}'`,
        supported: NODE_SETTING_KEYS.filter((k) => k !== 'kind'),
        misplaced: { ...NODE_ONLY, kind: 'cannot be set inside kinds (the key under kinds names the kind)' },
      };
    case 'groups':
      return { ...node, label: `in group '${String(third)}'` };
    case 'nodes':
      return { ...node, label: `in node '${String(third)}'`, supported: NODE_KEYS };
    default:
      return fourth === undefined
        ? { label: `in ${showPath(path)}`, supported: LINK_KEYS, unsupported: UNSUPPORTED_LINK_KEYS }
        : { label: 'in a link endpoint', supported: ENDPOINT_KEYS, unsupported: [] };
  }
};

const unknownKeyMessage = (path: YamlPath, key: string): string => {
  const context = contextOf(path);
  const supported = context.supported.join(', ');
  const misplaced = context.misplaced?.[key];
  if (misplaced !== undefined) return `key '${key}' ${misplaced}; it is not allowed ${context.label} (supported: ${supported})`;
  if (context.unsupported.includes(key)) return `containerlab option '${key}' is not supported by failover-lab (supported: ${supported})`;
  return `unknown key '${key}' ${context.label}; supported: ${supported}`;
};

const showPath = (path: YamlPath): string =>
  path.reduce<string>((shown, step) => {
    if (typeof step === 'number') return `${shown}[${step}]`;
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(step)) return `${shown}['${step}']`;
    return shown === '' ? step : `${shown}.${step}`;
  }, '') || 'the document';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a map',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  null: 'empty (null)',
};
const describeType = (type: string): string => TYPE_NAMES[type] ?? type;

const describeValue = (issue: z.ZodInvalidUnionIssue): string => {
  const received = issue.unionErrors.flatMap((e) => e.issues).find((i) => i.code === 'invalid_type');
  return received?.code === 'invalid_type' ? describeType(received.received) : 'this value';
};
