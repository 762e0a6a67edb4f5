// `lab-switch`: runs inside a switch node (from the bind-mounted project) and turns its
// interfaces into VLAN access ports.
//   lab-switch apply eth1=10 eth2=10 eth3=20   configure (from the node's exec list)
//   lab-switch port eth3 20                    move a port to another VLAN at run time
//   lab-switch show                            print {mode, ports} as JSON
import { existsSync, writeFileSync } from 'node:fs';
import { runCommand } from '../kernel/run-command.js';
import {
  applyCommands,
  BRIDGE_NETFILTER_SYSCTLS,
  FILTERING_BRIDGE,
  movePortCommands,
  parsePortArgs,
  portsFromVlanShow,
  SwitchConfigError,
  validateVlan,
  vlanBridge,
  type SwitchMode,
  type PortMap,
} from './switch-plan.js';

const ip = (args: string[]) => runCommand('ip', args);

const runAll = async (commands: readonly string[]): Promise<void> => {
  for (const c of commands) {
    const [tool, ...args] = c.split(' ');
    await runCommand(tool!, args);
  }
};

/** Probes the kernel once: can a bridge filter VLANs? */
const probeMode = async (): Promise<SwitchMode> => {
  try {
    await ip(['link', 'add', 'flvfprobe', 'type', 'bridge', 'vlan_filtering', '1']);
    await ip(['link', 'del', 'flvfprobe']);
    return 'vlan-filtering';
  } catch {
    return 'bridge-per-vlan';
  }
};

interface LinkInfo {
  ifname: string;
  master?: string;
  linkinfo?: { info_kind?: string };
}

const links = async (): Promise<LinkInfo[]> => JSON.parse(await ip(['-j', '-d', 'link', 'show'])) as LinkInfo[];

const currentMode = async (): Promise<SwitchMode | undefined> => {
  const all = await links();
  if (all.some((l) => l.ifname === FILTERING_BRIDGE)) return 'vlan-filtering';
  if (all.some((l) => /^vlan\d+$/.test(l.ifname) && l.linkinfo?.info_kind === 'bridge')) return 'bridge-per-vlan';
  return undefined;
};

const currentPorts = async (mode: SwitchMode): Promise<PortMap> => {
  const ports: PortMap = {};
  if (mode === 'bridge-per-vlan') {
    for (const l of await links()) if (l.master && /^vlan\d+$/.test(l.master)) ports[l.ifname] = Number(l.master.slice(4));
    return ports;
  }
  return portsFromVlanShow(await runCommand('bridge', ['-j', 'vlan', 'show']));
};

/** Frames the switch forwards skip the node's netfilter hooks (absent files: br_netfilter not loaded, nothing to turn off). */
const bridgeNetfilterOff = (): string[] =>
  BRIDGE_NETFILTER_SYSCTLS.filter((name) => {
    const file = `/proc/sys/net/bridge/${name}`;
    if (!existsSync(file)) return false;
    writeFileSync(file, '0');
    return true;
  });

const main = async (argv: string[]): Promise<void> => {
  const [verb, ...rest] = argv;
  if (verb === 'apply') {
    const mode = await probeMode();
    await runAll(applyCommands(parsePortArgs(rest), mode));
    const off = bridgeNetfilterOff();
    process.stdout.write(`switch configured (${mode}): ${rest.join(' ')}${off.length > 0 ? `; ${off.join(', ')} = 0` : ''}\n`);
    return;
  }
  const mode = await currentMode();
  if (verb === 'show') {
    process.stdout.write(JSON.stringify({ mode: mode ?? null, ports: mode ? await currentPorts(mode) : {} }) + '\n');
    return;
  }
  if (verb === 'port') {
    const [port, vlanText] = rest;
    if (!port || !vlanText || rest.length !== 2) throw new SwitchConfigError('usage: lab-switch port PORT VLAN');
    if (!mode) throw new SwitchConfigError('this node is not configured as a switch; run `lab-switch apply` first');
    const to = validateVlan(Number(vlanText), `port ${port}`);
    const ports = await currentPorts(mode);
    if (!(port in ports)) throw new SwitchConfigError(`${port} is not a switch port (ports: ${Object.keys(ports).join(', ')})`);
    const bridgeExists = (await links()).some((l) => l.ifname === vlanBridge(to));
    await runAll(movePortCommands(port, ports[port], to, mode, bridgeExists));
    process.stdout.write(`${port}: VLAN ${ports[port]} -> ${to}\n`);
    return;
  }
  throw new SwitchConfigError('usage: lab-switch apply PORT=VLAN... | port PORT VLAN | show');
};

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`lab-switch: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof SwitchConfigError ? 2 : 1);
});
