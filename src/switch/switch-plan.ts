// Pure: the `ip`/`bridge` commands that make a Linux node an L2 switch with access ports in
// VLANs. Two data planes, chosen by probing the kernel: one VLAN-filtering bridge where the
// kernel has it, else one plain bridge per VLAN (this machine: no 802.1Q, no vlan_filtering).
// Both give the same observable L2 behaviour for access ports.

export type SwitchMode = 'vlan-filtering' | 'bridge-per-vlan';

/** port name → VLAN id */
export type PortMap = Record<string, number>;

export const FILTERING_BRIDGE = 'br0';
export const vlanBridge = (vlan: number): string => `vlan${vlan}`;

export class SwitchConfigError extends Error {}

const PORT_RE = /^[A-Za-z0-9_.-]{1,15}$/;

export const validateVlan = (vlan: number, where: string): number => {
  if (!Number.isInteger(vlan) || vlan < 1 || vlan > 4094)
    throw new SwitchConfigError(`${where}: VLAN must be an integer 1..4094, got ${vlan}`);
  return vlan;
};

/** Parses `eth1=10` words (the form used from a topology's exec list). */
export const parsePortArgs = (args: readonly string[]): PortMap => {
  const ports: PortMap = {};
  for (const arg of args) {
    const m = /^([^=]+)=(\d+)$/.exec(arg);
    if (!m) throw new SwitchConfigError(`'${arg}': expected PORT=VLAN, e.g. eth1=10`);
    const [, port, vlan] = m as unknown as [string, string, string];
    if (!PORT_RE.test(port)) throw new SwitchConfigError(`'${arg}': '${port}' is not an interface name`);
    if (port in ports) throw new SwitchConfigError(`'${arg}': port ${port} is given twice`);
    ports[port] = validateVlan(Number(vlan), arg);
  }
  if (Object.keys(ports).length === 0) throw new SwitchConfigError('no ports given; expected PORT=VLAN ...');
  return ports;
};

const bridgeUp = (name: string, extra = ''): string[] => [
  `ip link add ${name} type bridge${extra}`,
  // No STP on a lab switch: a port forwards the moment it is up, like an access switch with portfast.
  `ip link set ${name} type bridge stp_state 0 forward_delay 0`,
  `ip link set ${name} up`,
];

export const applyCommands = (ports: PortMap, mode: SwitchMode): string[] => {
  const commands: string[] = [];
  const entries = Object.entries(ports);
  if (mode === 'vlan-filtering') {
    commands.push(...bridgeUp(FILTERING_BRIDGE, ' vlan_filtering 1 vlan_default_pvid 0'));
    for (const [port, vlan] of entries) {
      commands.push(
        `ip link set ${port} master ${FILTERING_BRIDGE}`,
        `bridge vlan add dev ${port} vid ${vlan} pvid untagged`,
        `ip link set ${port} up`,
      );
    }
    return commands;
  }
  for (const vlan of [...new Set(entries.map(([, v]) => v))].sort((a, b) => a - b)) commands.push(...bridgeUp(vlanBridge(vlan)));
  for (const [port, vlan] of entries) commands.push(`ip link set ${port} master ${vlanBridge(vlan)}`, `ip link set ${port} up`);
  return commands;
};

/**
 * The sysctls that pass a node's bridged frames through its IP, IPv6 and ARP netfilter hooks
 * (br_netfilter, which Docker loads; every new namespace starts with them on). A lab switch is
 * L2 only: with them on, each frame it forwards also went through conntrack and the node's nat
 * table, and the shared 2-core host spent the CPU beside the measured streams (docs/topology-format.md).
 */
export const BRIDGE_NETFILTER_SYSCTLS = ['bridge-nf-call-iptables', 'bridge-nf-call-ip6tables', 'bridge-nf-call-arptables'] as const;

/** Moves one access port to another VLAN; `bridgeExists` says whether the VLAN's bridge is there yet. */
export const movePortCommands = (port: string, from: number | undefined, to: number, mode: SwitchMode, bridgeExists: boolean): string[] => {
  if (mode === 'vlan-filtering') {
    return [
      ...(from !== undefined ? [`bridge vlan del dev ${port} vid ${from}`] : []),
      `bridge vlan add dev ${port} vid ${to} pvid untagged`,
    ];
  }
  return [...(bridgeExists ? [] : bridgeUp(vlanBridge(to))), `ip link set ${port} master ${vlanBridge(to)}`, `ip link set ${port} up`];
};

/** The access ports of a VLAN-filtering switch from `bridge -j vlan show`: each port's PVID (the bridge's own entry left out). */
export const portsFromVlanShow = (json: string): PortMap => {
  const ports: PortMap = {};
  for (const v of JSON.parse(json) as { ifname: string; vlans?: { vlan: number; flags?: string[] }[] }[]) {
    const pvid = v.vlans?.find((x) => x.flags?.includes('PVID'));
    if (v.ifname !== FILTERING_BRIDGE && pvid) ports[v.ifname] = pvid.vlan;
  }
  return ports;
};
