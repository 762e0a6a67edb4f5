// Entry point: containerlab topology text in, resolved Topology out. The stages run in the order
// containerlab itself applies them: variable expansion, YAML, schema, inheritance, references.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TestbedError, errorMessage } from '../common/errors.js';
import { DEFAULT_PREFIX, type Topology } from './types.js';
import { expandVariables, type EnvRecord } from './expand-vars.js';
import { resolveMgmt } from './mgmt.js';
import { resolveLinks } from './resolve-links.js';
import { resolveNodes } from './resolve-nodes.js';
import { validateTopologyFile } from './schema-issues.js';
import { stringifyStringMaps } from './stringify-maps.js';
import { decodeYamlBytes, parseYaml, type InputErrorFactory } from '../common/yaml-source.js';
import { TopologyError } from '../common/errors.js';

const topologyError: InputErrorFactory = (position, problem) => new TopologyError(position, problem);

/**
 * Parses and checks a topology. Pure: `file` (absolute) is only used in messages and to resolve
 * relative bind paths. Throws TopologyError naming file, line and problem for the first problem.
 */
export const parseTopologyText = (text: string, file: string, env: EnvRecord): Topology => {
  if (!isAbsolute(file)) throw new TypeError(`parseTopologyText needs an absolute file path, got '${file}'`);
  const source = parseYaml(expandVariables(text, file, env), file, topologyError);
  stringifyStringMaps(source.value, source);
  const parsed = validateTopologyFile(source);
  const dir = dirname(file);
  const prefix = parsed.prefix ?? DEFAULT_PREFIX;
  const mgmt = resolveMgmt(parsed.mgmt, source);
  const nodes = resolveNodes(parsed, { source, dir, name: parsed.name, prefix, mgmt });
  const links = resolveLinks(parsed.topology.links ?? [], nodes, source);
  return { file, dir, name: parsed.name, prefix, mgmt: mgmt.spec, nodes, links };
};

/** Reads and parses a topology file; `env` supplies `${VAR}` values (pass process.env to use the shell's). */
export const parseTopologyFile = async (path: string, env: EnvRecord = process.env): Promise<Topology> => {
  const file = resolve(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new TestbedError('TOPOLOGY_UNREADABLE', `cannot read topology file ${file}: ${errorMessage(error)}`, { cause: error });
  }
  return parseTopologyBytes(bytes, file, env);
};

/** A topology file's bytes as read: refused at the first byte that is not UTF-8, else parsed as text. */
export const parseTopologyBytes = (bytes: Uint8Array, file: string, env: EnvRecord): Topology =>
  parseTopologyText(decodeYamlBytes(bytes, file, topologyError), file, env);
