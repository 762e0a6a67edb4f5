// Reads a scenario file: YAML with positions, the strict schema, then the cross-checks the
// schema cannot make (nodes exist in the topology, a fault has exactly one trigger). Every
// problem is a ScenarioError naming the file, line and column.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { TopologyError } from '../../common/errors.js';
import { parseTopologyFile } from '../../topology/parse-topology.js';
import type { Topology } from '../../topology/types.js';
import { decodeYamlBytes, parseYaml, type InputErrorFactory, type YamlPath, type YamlSource } from '../../common/yaml-source.js';
import { repeatedEntry } from '../../common/repeated-entry.js';
import { zodInputError } from '../../common/zod-input-error.js';
import { ChecksConfigSchema } from '../checker/checks-from-config.js';
import { checkApps, type PlacedApp } from './app-checks.js';
import { checkAgainstClass, requireCheckSection } from './check-sections.js';
import { unseenGapLimit } from './gap-resolution.js';
import { ScenarioError } from './scenario-error.js';
import { scenarioFileSchema } from './scenario-schema.js';

const schema = scenarioFileSchema(ChecksConfigSchema);
export type ScenarioFile = z.infer<typeof schema>;
export type Workload = ScenarioFile['workloads'][number];
export type ProbeWorkload = Extract<Workload, { kind: 'probe' }>;
export type SshWorkload = Extract<Workload, { kind: 'ssh' }>;
export type CommandWorkload = Extract<Workload, { kind: 'command' }>;
export type FaultSpec = ScenarioFile['schedule'][number];

export interface Scenario extends Omit<ScenarioFile, 'topology' | 'name' | 'apps'> {
  name: string;
  apps: PlacedApp[];
  file: string;
  topologyFile: string;
  topology: Topology;
}

const scenarioError: InputErrorFactory = (position, problem) => new ScenarioError(position, problem);

const nodesNamed = (fault: FaultSpec): string[] => ('node' in fault ? [fault.node] : [...fault.from, ...fault.to]);

const crossCheck = (file: ScenarioFile, topology: Topology, source: YamlSource): PlacedApp[] => {
  const nodes = new Set(topology.nodes.map((n) => n.name));
  const requireNode = (node: string, at: YamlPath) => {
    if (!nodes.has(node))
      throw new ScenarioError(
        source.positionOf(at),
        `node '${node}' is not in topology ${topology.name} (nodes: ${[...nodes].join(', ')})`,
      );
  };
  file.workloads.forEach((w, i) => {
    const servers = w.kind === 'command' ? (w.server ? [w.server.node] : []) : w.server.node;
    servers.forEach((n) => requireNode(n, ['workloads', i, 'server', 'node']));
    requireNode(w.client.node, ['workloads', i, 'client', 'node']);
  });
  const names = file.workloads.map((w) => w.name);
  const dup = repeatedEntry(source, ['workloads'], 'name', names);
  if (dup) throw new ScenarioError(dup.position, `two workloads are named '${dup.value}'; give each its own name`);
  (file.checks.commands ?? []).forEach((c, i) => {
    if (!file.workloads.some((w) => w.kind === 'command' && w.name === c.workload && (c.role !== 'server' || w.server))) {
      const commands = file.workloads.filter((w) => w.kind === 'command').map((w) => w.name);
      throw new ScenarioError(
        source.positionOf(['checks', 'commands', i, 'workload']),
        `no command workload '${c.workload}'${c.role === 'server' ? ' with a server' : ''} (command workloads: ${commands.join(', ') || 'none'})`,
      );
    }
  });
  file.daemons.forEach((d, i) => requireNode(d.node, ['daemons', i, 'node']));
  file.schedule.forEach((f, i) => {
    if ((f.at === undefined) === (f.when === undefined)) {
      throw new ScenarioError(
        source.positionOf(['schedule', i]),
        `fault '${f.fault}' needs exactly one trigger: 'at' (a time after the workload starts) or 'when' (a condition)`,
      );
    }
    if (f.when?.workload !== undefined && !names.includes(f.when.workload)) {
      throw new ScenarioError(
        source.positionOf(['schedule', i, 'when', 'workload']),
        `no workload named '${f.when.workload}' (workloads: ${names.join(', ')})`,
      );
    }
    nodesNamed(f).forEach((n) => requireNode(n, ['schedule', i, 'node' in f ? 'node' : 'from']));
  });
  file.capture?.links.forEach((l, i) => {
    const [node, iface] = l.split(':') as [string, string];
    requireNode(node, ['capture', 'links', i]);
    const known = topology.links.some((link) => link.endpoints.some((e) => e.node === node && e.iface === iface));
    if (!known)
      throw new ScenarioError(source.positionOf(['capture', 'links', i]), `${l} is not a link endpoint of topology ${topology.name}`);
  });
  checkGapLimitsVisible(file, source);
  return checkApps(file.apps, nodes, source);
};

/** Every gap limit is at or above what the workloads it judges can see (gap-resolution.ts). */
const checkGapLimitsVisible = (file: ScenarioFile, source: YamlSource): void => {
  const probes = file.workloads.filter((w): w is ProbeWorkload => w.kind === 'probe');
  const refuse = (limitMs: number, scope: ProbeWorkload[], at: YamlPath) => {
    for (const w of scope) {
      const problem = unseenGapLimit(limitMs, w);
      if (problem) throw new ScenarioError(source.positionOf(at), problem);
    }
  };
  if (file.checks.maxGapMs !== undefined) refuse(file.checks.maxGapMs, probes, ['checks', 'maxGapMs']);
  const kept = file.checks.keptStreamsMaxGapMs;
  if (typeof kept === 'number') refuse(kept, probes, ['checks', 'keptStreamsMaxGapMs']);
  else if (kept !== undefined) refuse(kept.maxMs, probes, ['checks', 'keptStreamsMaxGapMs', 'maxMs']);
  const specs = file.checks.gapPercentile;
  const list = specs === undefined ? [] : Array.isArray(specs) ? specs : [specs];
  list.forEach((spec, i) => {
    // A lower bound (minMs) is no limit the workload must be able to see under: only maxMs is refused.
    if (spec.maxMs === undefined) return;
    const at: YamlPath = Array.isArray(specs) ? ['checks', 'gapPercentile', i, 'maxMs'] : ['checks', 'gapPercentile', 'maxMs'];
    refuse(spec.maxMs, spec.workload === undefined ? probes : probes.filter((w) => w.name === spec.workload), at);
  });
  for (const [name, limitMs] of Object.entries(file.checks.workloadMaxGapMs ?? {})) {
    refuse(
      limitMs,
      probes.filter((w) => w.name === name),
      ['checks', 'workloadMaxGapMs', name],
    );
  }
};

export const parseScenarioText = async (
  text: string,
  file: string,
  env: Record<string, string | undefined> = process.env,
): Promise<Scenario> => {
  const source = parseYaml(text, file, scenarioError);
  const result = schema.safeParse(source.value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    // A missing or empty checks section has a clearer message than the schema's union errors.
    if (issue.path[0] === 'checks') requireCheckSection(source.value, source);
    throw zodInputError(issue, source, scenarioError, { unionLabel: issue.path[0] === 'workloads' ? 'workload kind' : 'fault' });
  }
  requireCheckSection(source.value, source);
  checkAgainstClass(result.data.expect, result.data.checks, source);
  const topologyFile = path.resolve(path.dirname(file), result.data.topology);
  let topology: Topology;
  try {
    topology = await parseTopologyFile(topologyFile, env);
  } catch (error) {
    if (error instanceof TopologyError) throw error;
    throw new ScenarioError(source.positionOf(['topology']), `cannot read topology ${result.data.topology}: ${(error as Error).message}`);
  }
  const apps = crossCheck(result.data, topology, source);
  const { topology: _relative, name, apps: _apps, ...rest } = result.data;
  return { ...rest, apps, name: name ?? path.basename(file).replace(/\.ya?ml$/, ''), file, topologyFile, topology };
};

/** How long a workload runs at most: its duration, or a command's timeout. */
/** How long a workload's client runs from the workload's start: a delayed probe client's wait included. */
export const workloadMs = (w: Workload): number =>
  w.kind === 'command' ? w.timeout : w.duration + (w.kind === 'probe' ? (w.client.startDelay ?? 0) : 0);

/** A scenario file's bytes as read: refused at the first byte that is not UTF-8, else parsed as text. */
export const parseScenarioBytes = (bytes: Uint8Array, file: string, env?: Record<string, string | undefined>): Promise<Scenario> =>
  parseScenarioText(decodeYamlBytes(bytes, file, scenarioError), file, env);

export const parseScenarioFile = async (file: string, env?: Record<string, string | undefined>): Promise<Scenario> => {
  const absolute = path.resolve(file);
  return parseScenarioBytes(await readFile(absolute), absolute, env);
};
