// The kernel side of arp-ha: the nftables ARP gate, the VIP address, and the announcement (an
// ARP request then an ARP reply, both broadcast with sender = target = VIP, i.e. RFC 5227
// gratuitous ARP, which Linux neighbours take as an update of an existing entry).
import { hasIpv4Address } from '../../kernel/ip-addr.js';
import { runCommand } from '../../kernel/run-command.js';
import { NftSession } from '../../kernel/nft-session.js';
import { arpModeScript, arpTableScript, holdScript, holdTableScript } from './arp-rules.js';

const nft = (script: string) => runCommand('nft', ['-f', '-'], { input: script });
/** Mode flips are on the failover's critical path: one running nft instead of a spawn each. */
const session = new NftSession();
const nftNow = (script: string) => session.run(script).catch(() => nft(script).then(() => undefined));

export const installArpGate = (standbyVips: readonly string[]) => nft(arpTableScript(standbyVips));

/** With `hold`, the same nft call also starts holding the kernel's resets for vip:port (takeover). */
export const setArpMode = (vip: string, active: boolean, hold?: { port: number }) =>
  nftNow(arpModeScript(vip, active) + (hold ? holdScript(vip, hold.port, true) : ''));

export const installHoldTable = () => nft(holdTableScript());

export const releaseHold = (vip: string, port: number) => nftNow(holdScript(vip, port, false));

export const closeNftSession = () => session.close();

/** Every server holds the VIP (hot standby); a /32 adds no second connected route. */
export const ensureVip = async (vip: string, iface: string): Promise<void> => {
  if (!(await hasIpv4Address(vip, iface))) await runCommand('ip', ['addr', 'add', `${vip}/32`, 'dev', iface]);
  // The node's own ARP requests must name its primary address, never the VIP.
  await runCommand('sysctl', ['-qw', `net.ipv4.conf.${iface}.arp_announce=2`, 'net.ipv4.conf.all.arp_announce=2']);
};

export { announce } from '../shared/garp.js';
