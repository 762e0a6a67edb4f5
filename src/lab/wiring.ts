// Data-plane wiring. Each veth pair is created directly inside its two nodes' network
// namespaces (`ip link add ... netns PID type veth peer ... netns PID`) with its final name,
// MAC and MTU: the end state containerlab reaches by creating on the host, moving and
// renaming, but atomic — an interrupted deploy cannot leave a stray veth on the host.
import { ipBatch, inNetns, runCommand, shellQuote } from '../kernel/run-command.js';
import type { PlannedInterface, PlannedLink } from './lab-plan.js';

const side = (i: PlannedInterface, pid: number): string => `name ${i.iface} address ${i.mac} mtu ${i.mtu} netns ${pid}`;

export const vethAddCommand = (link: PlannedLink, pidOf: (container: string) => number): string =>
  `link add ${side(link.a, pidOf(link.a.container))} type veth peer ${side(link.b, pidOf(link.b.container))}`;

export const createLinks = async (
  links: readonly PlannedLink[],
  pidOf: (container: string) => number,
  signal?: AbortSignal,
): Promise<void> => {
  await ipBatch(
    links.map((l) => vethAddCommand(l, pidOf)),
    { signal },
  );
};

/**
 * TX checksum offload goes off (as containerlab does) because a veth otherwise hands
 * packets with partial checksums to user-space data planes (NFQUEUE, TUN, raw sockets).
 */
export const interfaceUpScript = (ifaces: readonly PlannedInterface[]): string =>
  ifaces.map((i) => `ethtool -K ${shellQuote(i.iface)} tx off >/dev/null; ip link set ${shellQuote(i.iface)} up`).join('\n');

export const bringUpInterfaces = async (pid: number, ifaces: readonly PlannedInterface[], signal?: AbortSignal): Promise<void> => {
  if (ifaces.length === 0) return;
  await inNetns(pid, interfaceUpScript(ifaces), { signal });
};

/**
 * A stopped node's veths must outlive its container, or their peers lose the link for good.
 * Before the container goes, its netns is held by name (`ip netns attach`), so the veths stay
 * in it; on start they move into the new netns. Named per lab so destroy can find them.
 */
export const parkNamespaceOf = (lab: string, node: string): string => `flpark.${lab}.${node}`;

export const holdNamespace = async (pid: number, netns: string): Promise<void> => {
  await runCommand('ip', ['netns', 'attach', netns, String(pid)]);
};

/** Takes interfaces down in a namespace (by name), so peers see carrier loss. */
export const downInterfaces = async (netns: string, ifaces: readonly PlannedInterface[]): Promise<void> => {
  await ipBatch(
    ifaces.map((i) => `link set ${i.iface} down`),
    { netns },
  );
};

export const unparkInterfaces = async (netns: string, ifaces: readonly PlannedInterface[], pid: number): Promise<void> => {
  await ipBatch(
    ifaces.map((i) => `link set ${i.iface} netns ${pid}`),
    { netns },
  );
  await deleteNamespace(netns);
};

export const listNamespaces = async (): Promise<string[]> => {
  const out = await runCommand('ip', ['-j', 'netns', 'list']).catch(() => '[]');
  const parsed: unknown = JSON.parse(out || '[]');
  return Array.isArray(parsed) ? parsed.map((e: { name?: unknown }) => String(e.name)) : [];
};

export const deleteNamespace = async (netns: string): Promise<void> => {
  await runCommand('ip', ['netns', 'delete', netns]);
};
