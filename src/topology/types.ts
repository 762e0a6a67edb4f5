// The resolved topology: what a containerlab file means once variables are expanded, inheritance
// (defaults < kinds < groups < node) is applied and every reference is checked. Everything
// downstream (runtime, lab, graph, containerlab driver) consumes only these types, never YAML.
import type { SourcePosition } from '../common/errors.js';

export const SUPPORTED_KINDS = ['linux'] as const;
export type NodeKindName = (typeof SUPPORTED_KINDS)[number];

export interface MgmtSpec {
  /** Docker network name (containerlab default `clab`). */
  network: string;
  /** IPv4 subnet in CIDR form. Our default is inside 198.18.0.0/15 (containerlab's is 172.20.20.0/24). */
  ipv4Subnet: string;
  ipv4Gateway?: string;
  /** Host bridge name for the network, when the file sets `bridge`. */
  bridge?: string;
}

export interface BindSpec {
  /** Absolute host path (relative paths in the file are resolved against the file's folder). */
  source: string;
  target: string;
  /** Mount options such as `ro`, or undefined. */
  options?: string;
}

export interface NodeSpec {
  name: string;
  kind: NodeKindName;
  image: string;
  /** The `cmd` string as written; the runtime splits it like a shell would (no expansion). */
  cmd?: string;
  /** Commands run in order after the node's links are up. */
  exec: string[];
  binds: BindSpec[];
  env: Record<string, string>;
  labels: Record<string, string>;
  group?: string;
  mgmtIpv4?: string;
  /** `bridge` (default, the mgmt network), `none`, `host` or `container:<node>`. */
  networkMode?: string;
  /** Where the node is declared (its key in `topology.nodes`). */
  position: SourcePosition;
}

export interface EndpointSpec {
  node: string;
  iface: string;
  mac?: string;
}

export interface LinkSpec {
  endpoints: [EndpointSpec, EndpointSpec];
  /** Link MTU; undefined means the runtime default (9500, as containerlab). */
  mtu?: number;
  position: SourcePosition;
}

export interface Topology {
  /** Absolute path of the topology file. */
  file: string;
  /** Folder of the topology file; relative binds are resolved against it. */
  dir: string;
  name: string;
  /** Container name prefix: `clab` unless the file says otherwise; '' means bare node names. */
  prefix: string;
  mgmt: MgmtSpec;
  /** In file order. */
  nodes: NodeSpec[];
  /** In file order. */
  links: LinkSpec[];
}

export const DEFAULT_PREFIX = 'clab';
export const DEFAULT_MGMT_NETWORK = 'clab';
/** Inside 198.18.0.0/15 so that nothing of a lab lands in another range (DESIGN §7). */
export const DEFAULT_MGMT_SUBNET = '198.19.0.0/24';
export const DEFAULT_LINK_MTU = 9500;

/** Container name as containerlab derives it from prefix, lab and node name. */
export const containerName = (topology: Pick<Topology, 'name' | 'prefix'>, node: string): string => {
  if (topology.prefix === '') return node;
  if (topology.prefix === '__lab-name') return `${topology.name}-${node}`;
  return `${topology.prefix}-${topology.name}-${node}`;
};
