// Pure: turns a resolved topology into what must exist — container specs, the management
// network, every interface with its MAC and MTU, and the order containers can start in.
// Deploy, destroy and node start/stop all act from this one plan.
import path from 'node:path';
import { LabError } from '../common/errors.js';
import type { ContainerCreateSpec, NetworkSpec } from '../runtime/container-runtime.js';
import { containerName, DEFAULT_LINK_MTU, type NodeSpec, type Topology } from '../topology/types.js';
import { LABEL } from './labels.js';
import { derivedMac } from './mac.js';
import { splitCommandLine } from './split-command.js';

export interface PlannedInterface {
  node: string;
  container: string;
  iface: string;
  mac: string;
  mtu: number;
}

export interface PlannedLink {
  a: PlannedInterface;
  b: PlannedInterface;
}

export interface PlannedNode {
  spec: NodeSpec;
  container: string;
  create: ContainerCreateSpec;
  interfaces: PlannedInterface[];
}

export interface LabPlan {
  lab: string;
  topologyFile: string;
  labDir: string;
  /** Undefined when no node uses the management network. */
  network?: NetworkSpec;
  nodes: PlannedNode[];
  links: PlannedLink[];
  /** Node names grouped so that every node starts after the node whose netns it shares. */
  waves: string[][];
}

export const labDirOf = (topology: Topology): string => path.join(topology.dir, `clab-${topology.name}`);

const networkAttachment = (node: NodeSpec, topology: Topology): ContainerCreateSpec['network'] => {
  const mode = node.networkMode ?? 'bridge';
  if (mode === 'none' || mode === 'host') return { mode };
  if (mode.startsWith('container:')) return { mode: 'container', container: containerName(topology, mode.slice('container:'.length)) };
  return { mode: 'bridge', network: topology.mgmt.network, ...(node.mgmtIpv4 ? { ipv4: node.mgmtIpv4 } : {}) };
};

/** Orders nodes so `network-mode: container:X` nodes start after X; rejects cycles. */
export const startWaves = (nodes: readonly NodeSpec[]): string[][] => {
  const parent = new Map(nodes.map((n) => [n.name, n.networkMode?.startsWith('container:') ? n.networkMode.slice(10) : undefined]));
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen: Set<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) throw new LabError(`network-mode container: references form a cycle through node '${name}'`);
    seen.add(name);
    const p = parent.get(name);
    const d = p === undefined ? 0 : depthOf(p, seen) + 1;
    depth.set(name, d);
    return d;
  };
  const waves: string[][] = [];
  for (const n of nodes) {
    const d = depthOf(n.name, new Set());
    (waves[d] ??= []).push(n.name);
  }
  return waves;
};

export const planLab = (topology: Topology, owner: string): LabPlan => {
  const labDir = labDirOf(topology);
  const ifacesByNode = new Map<string, PlannedInterface[]>(topology.nodes.map((n) => [n.name, []]));
  const links = topology.links.map((link): PlannedLink => {
    const [a, b] = link.endpoints.map((ep): PlannedInterface => {
      const planned = {
        node: ep.node,
        container: containerName(topology, ep.node),
        iface: ep.iface,
        mac: ep.mac ?? derivedMac(topology.name, ep.node, ep.iface),
        mtu: link.mtu ?? DEFAULT_LINK_MTU,
      };
      ifacesByNode.get(ep.node)?.push(planned);
      return planned;
    }) as [PlannedInterface, PlannedInterface];
    return { a, b };
  });

  const nodes = topology.nodes.map((spec): PlannedNode => {
    const container = containerName(topology, spec.name);
    const interfaces = ifacesByNode.get(spec.name) ?? [];
    const labels: Record<string, string> = {
      ...spec.labels,
      [LABEL.lab]: topology.name,
      [LABEL.nodeName]: spec.name,
      [LABEL.longName]: container,
      [LABEL.nodeKind]: spec.kind,
      [LABEL.nodeType]: '',
      [LABEL.nodeGroup]: spec.group ?? '',
      [LABEL.nodeLabDir]: path.join(labDir, spec.name),
      [LABEL.topoFile]: topology.file,
      [LABEL.owner]: owner,
      [LABEL.managed]: 'true',
    };
    return {
      spec,
      container,
      interfaces,
      create: {
        name: container,
        hostname: spec.name,
        image: spec.image,
        ...(spec.cmd !== undefined ? { cmd: splitCommandLine(spec.cmd) } : {}),
        // CLAB_INTFS lets a node's own command wait until its data-plane links exist.
        env: { ...spec.env, CLAB_INTFS: String(interfaces.length), CLAB_NODE_NAME: spec.name, CLAB_LAB_NAME: topology.name },
        labels,
        binds: spec.binds.map((b) => `${b.source}:${b.target}${b.options ? ':' + b.options : ''}`),
        network: networkAttachment(spec, topology),
      },
    };
  });

  const usesMgmt = nodes.some((n) => n.create.network.mode === 'bridge');
  return {
    lab: topology.name,
    topologyFile: topology.file,
    labDir,
    ...(usesMgmt
      ? {
          network: {
            name: topology.mgmt.network,
            ipv4Subnet: topology.mgmt.ipv4Subnet,
            ...(topology.mgmt.ipv4Gateway ? { ipv4Gateway: topology.mgmt.ipv4Gateway } : {}),
            ...(topology.mgmt.bridge ? { bridge: topology.mgmt.bridge } : {}),
            labels: { [LABEL.managed]: 'true' },
          },
        }
      : {}),
    nodes,
    links,
    waves: startWaves(topology.nodes),
  };
};
