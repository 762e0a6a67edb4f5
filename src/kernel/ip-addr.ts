// The node's own addresses, read from the kernel (ip -j) and sysfs.
import { readFile } from 'node:fs/promises';
import { runCommand } from './run-command.js';

export interface InterfaceAddresses {
  ifname: string;
  addresses: string[];
}

/** Pure: `ip -j -4 addr show` output per interface (also for output read from another node). */
export const parseIpv4Json = (out: string): InterfaceAddresses[] =>
  (JSON.parse(out || '[]') as { ifname: string; addr_info: { local: string }[] }[]).map((l) => ({
    ifname: l.ifname,
    addresses: l.addr_info.map((a) => a.local),
  }));

/** IPv4 addresses per interface, of one device or of all. */
const ipv4Addresses = async (dev?: string): Promise<InterfaceAddresses[]> =>
  parseIpv4Json(await runCommand('ip', ['-j', '-4', 'addr', 'show', ...(dev ? ['dev', dev] : [])]));

export const hasIpv4Address = async (address: string, dev?: string): Promise<boolean> =>
  (await ipv4Addresses(dev)).some((l) => l.addresses.includes(address));

export const macOf = async (iface: string): Promise<string> => (await readFile(`/sys/class/net/${iface}/address`, 'utf8')).trim();
