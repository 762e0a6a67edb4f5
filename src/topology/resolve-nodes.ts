// Turns topology.nodes into NodeSpecs: applies inheritance, resolves binds and checks everything
// that involves more than one value (addresses against the subnet, references between nodes).
import { TopologyError } from '../common/errors.js';
import { containerName, type BindSpec, type NodeSpec } from './types.js';
import { parseBind } from './binds.js';
import { mergeLayers, mergeListBy, mergeMaps, mostSpecific, type Layer, type Strategies } from './inherit.js';
import { hostAddressProblem, parseIpv4 } from './ipv4.js';
import type { ResolvedMgmt } from './mgmt.js';
import { CONTAINER_NAME, MAX_CONTAINER_NAME } from './names.js';
import type { NodeSettingsFile, TopologyFile } from './schema.js';
import type { YamlPath, YamlSource } from '../common/yaml-source.js';

type Settings = Omit<NodeSettingsFile, 'binds'> & { binds?: BindSpec[] };

const STRATEGIES: Strategies<Settings> = {
  kind: mostSpecific,
  image: mostSpecific,
  cmd: mostSpecific,
  exec: mostSpecific,
  'mgmt-ipv4': mostSpecific,
  'network-mode': mostSpecific,
  env: mergeMaps,
  labels: mergeMaps,
  binds: mergeListBy((bind) => bind.target),
};

export interface NodeContext {
  source: YamlSource;
  dir: string;
  name: string;
  prefix: string;
  mgmt: ResolvedMgmt;
}

/** Nodes in file order. */
export const resolveNodes = (file: TopologyFile, context: NodeContext): NodeSpec[] => {
  const { source } = context;
  const { defaults, kinds, groups, nodes } = file.topology;
  const layer = (path: YamlPath, settings: NodeSettingsFile): Layer<Settings> => ({
    path,
    settings: { ...settings, binds: binds(settings.binds, path, context) },
  });
  const defaultsLayer = layer(['topology', 'defaults'], defaults);
  const kindLayers = new Map(Object.entries(kinds).map(([kind, settings]) => [kind, layer(['topology', 'kinds', kind], settings)]));
  const groupLayers = new Map(Object.entries(groups).map(([group, settings]) => [group, layer(['topology', 'groups', group], settings)]));

  // Object key order is not file order for names like `1` or `10`, so sort by position.
  const keyOffset = (name: string) => source.positionOf(['topology', 'nodes', name], { key: true });
  const names = Object.keys(nodes).sort((a, b) => keyOffset(a).line - keyOffset(b).line || keyOffset(a).column - keyOffset(b).column);
  const nodeNames = new Set(names);
  const mgmtOwners = new Map<string, { node: string; line: number }>();

  return names.map((name): NodeSpec => {
    const { group, ...own } = nodes[name] ?? {};
    const path = ['topology', 'nodes', name];
    const position = source.positionOf(path, { key: true });
    const groupLayer = group === undefined ? undefined : groupLayers.get(group);
    const kind = own.kind ?? groupLayer?.settings.kind ?? defaults.kind;
    if (kind === undefined)
      throw new TopologyError(
        position,
        `node '${name}' has no kind: set kind on the node, its group or topology.defaults (supported kinds: linux)`,
      );
    const layers = [defaultsLayer, kindLayers.get(kind), groupLayer, layer(path, own)].filter((l) => l !== undefined);
    const { value, origin } = mergeLayers(layers, STRATEGIES);
    const at = (key: keyof Settings) => source.positionOf([...(origin[key] ?? path), key]);

    if (value.image === undefined)
      throw new TopologyError(position, `node '${name}' has no image: set image on the node, its kind or topology.defaults`);
    checkContainerName(name, context, position);
    const networkMode = value['network-mode'];
    const target = networkMode?.startsWith('container:') === true ? networkMode.slice('container:'.length) : undefined;
    if (target !== undefined && (target === name || !nodeNames.has(target))) {
      const why =
        target === name ? 'names the node itself' : `names '${target}', which is not in topology.nodes (nodes: ${names.join(', ')})`;
      throw new TopologyError(at('network-mode'), `network-mode of node '${name}' ${why}`);
    }
    const mgmtIpv4 = value['mgmt-ipv4'];
    if (mgmtIpv4 !== undefined) {
      const mgmtAt = at('mgmt-ipv4');
      checkMgmtAddress(name, mgmtIpv4, networkMode, context.mgmt, mgmtAt);
      const owner = mgmtOwners.get(mgmtIpv4);
      if (owner !== undefined)
        throw new TopologyError(
          mgmtAt,
          `mgmt-ipv4 ${mgmtIpv4} of node '${name}' is already used by node '${owner.node}' (line ${owner.line})`,
        );
      mgmtOwners.set(mgmtIpv4, { node: name, line: mgmtAt.line });
    }

    return {
      name,
      kind,
      image: value.image,
      ...(value.cmd === undefined ? {} : { cmd: value.cmd }),
      exec: value.exec ?? [],
      binds: value.binds ?? [],
      env: value.env ?? {},
      labels: value.labels ?? {},
      ...(group === undefined ? {} : { group }),
      ...(mgmtIpv4 === undefined ? {} : { mgmtIpv4 }),
      ...(networkMode === undefined ? {} : { networkMode }),
      position,
    };
  });
};

const binds = (list: readonly string[] | undefined, path: YamlPath, context: NodeContext): BindSpec[] | undefined => {
  if (list === undefined) return undefined;
  const seen = new Map<string, number>();
  return list.map((text, index) => {
    const position = context.source.positionOf([...path, 'binds', index]);
    const bind = parseBind(text, context.dir, position);
    const earlier = seen.get(bind.target);
    if (earlier !== undefined)
      throw new TopologyError(position, `bind '${text}' mounts ${bind.target}, which the bind at line ${earlier} already mounts`);
    seen.set(bind.target, position.line);
    return bind;
  });
};

const checkContainerName = (node: string, context: NodeContext, position: NodeSpec['position']): void => {
  const container = containerName(context, node);
  if (container.length > MAX_CONTAINER_NAME || !CONTAINER_NAME.test(container)) {
    throw new TopologyError(
      position,
      `node '${node}' would get container name '${container}' (${container.length} characters); container names must match ${CONTAINER_NAME.source} and have at most ${MAX_CONTAINER_NAME} characters: shorten the node or lab name, or set prefix`,
    );
  }
};

const checkMgmtAddress = (
  node: string,
  address: string,
  networkMode: string | undefined,
  mgmt: ResolvedMgmt,
  at: NodeSpec['position'],
): void => {
  const fail = (problem: string): never => {
    throw new TopologyError(at, `mgmt-ipv4 ${address} of node '${node}' ${problem}`);
  };
  if (networkMode !== undefined && networkMode !== 'bridge')
    fail(`cannot be used with network-mode ${networkMode}, which takes the node off the mgmt network`);
  // The schema has checked the syntax.
  const value = parseIpv4(address) ?? fail('is not an IPv4 address');
  const problem = hostAddressProblem(value, mgmt.subnet, mgmt.spec.ipv4Subnet);
  if (problem !== undefined) fail(problem);
  if (value === mgmt.gateway) {
    fail(
      mgmt.gatewayIsDefault
        ? 'is the mgmt gateway (Docker gives the first address of the subnet to the gateway unless mgmt.ipv4-gw says otherwise)'
        : 'is the mgmt gateway (mgmt.ipv4-gw)',
    );
  }
};
