// The kernel side of arp-ha: the nftables ARP gate, the VIP address, and the announcement (an
// ARP request then an ARP reply, both broadcast with sender = target = VIP, i.e. RFC 5227
// gratuitous ARP, which Linux neighbours take as an update of an existing entry).
import { readFile } from 'node:fs/promises';
import { runCommand } from '../../kernel/run-command.js';
import { arpModeScript, arpTableScript } from './arp-rules.js';

const nft = (script: string) => runCommand('nft', ['-f', '-'], { input: script });

export const installArpGate = (standbyVips: readonly string[]) => nft(arpTableScript(standbyVips));

export const setArpMode = (vip: string, active: boolean) => nft(arpModeScript(vip, active));

export const removeArpGate = () => nft('table arp arpha\ndelete table arp arpha\n');

/** Every server holds the VIP (hot standby); a /32 adds no second connected route. */
export const ensureVip = async (vip: string, iface: string): Promise<void> => {
  const out = await runCommand('ip', ['-j', '-4', 'addr', 'show', 'dev', iface]);
  const present = (JSON.parse(out) as { addr_info: { local: string }[] }[]).some((l) => l.addr_info.some((a) => a.local === vip));
  if (!present) await runCommand('ip', ['addr', 'add', `${vip}/32`, 'dev', iface]);
  // The node's own ARP requests must name its primary address, never the VIP.
  await runCommand('sysctl', ['-qw', `net.ipv4.conf.${iface}.arp_announce=2`, 'net.ipv4.conf.all.arp_announce=2']);
};

export const macOf = async (iface: string): Promise<string> => (await readFile(`/sys/class/net/${iface}/address`, 'utf8')).trim();

export const announce = async (vip: string, iface: string, count: number, intervalMs: number): Promise<void> => {
  for (let i = 0; i < count; i++) {
    await runCommand('arping', ['-q', '-U', '-c', '1', '-w', '1', '-I', iface, vip]);
    await runCommand('arping', ['-q', '-A', '-c', '1', '-w', '1', '-I', iface, vip]);
    if (i + 1 < count && intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
  }
};
