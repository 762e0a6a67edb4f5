// The kernel side of arp-ha: the nftables ARP gate, the VIP address, and the announcement (an
// ARP request then an ARP reply, both broadcast with sender = target = VIP, i.e. RFC 5227
// gratuitous ARP, which Linux neighbours take as an update of an existing entry).
import { hasIpv4Address } from '../../kernel/ip-addr.js';
import { runCommand } from '../../kernel/run-command.js';
import { NftBatches } from '../../kernel/nft-batch.js';
import { arpModeChange, arpTableScript, holdChange, holdTableScript } from './arp-rules.js';

const nft = (script: string) => runCommand('nft', ['-f', '-'], { input: script });
/** Mode flips are on the failover's critical path: set elements through nfnetlink, no nft process. */
const elements = new NftBatches();

/** Installs the gate with every VIP silent, and opens the socket mode flips use (not in the middle of one). */
export const installArpGate = async (standbyVips: readonly string[]): Promise<void> => {
  await nft(arpTableScript(standbyVips));
  elements.open();
};

/** With `hold`, the same transaction also starts holding the kernel's resets for vip:port (takeover). */
export const setArpMode = async (vip: string, active: boolean, hold?: { port: number }): Promise<void> =>
  elements.apply([arpModeChange(vip, active), ...(hold ? [holdChange(vip, hold.port, true)] : [])]);

export const installHoldTable = () => nft(holdTableScript());

export const releaseHold = async (vip: string, port: number): Promise<void> => elements.apply([holdChange(vip, port, false)]);

export const closeElements = () => elements.close();

/** Every server holds the VIP (hot standby); a /32 adds no second connected route. */
export const ensureVip = async (vip: string, iface: string): Promise<void> => {
  if (!(await hasIpv4Address(vip, iface))) await runCommand('ip', ['addr', 'add', `${vip}/32`, 'dev', iface]);
  // The node's own ARP requests must name its primary address, never the VIP.
  await runCommand('sysctl', ['-qw', `net.ipv4.conf.${iface}.arp_announce=2`, 'net.ipv4.conf.all.arp_announce=2']);
};

export { announce } from '../shared/garp.js';
