// The balancer's kernel effects: install the ruleset and the hold queue jumps, put a VIP in
// the right nftables sets, configure or remove its addresses (announcing them), and read the
// counters. Decisions are made by the mode table; this only carries them out.
import { runCommand } from '../../../kernel/run-command.js';
import { hasIpv4Address, macOf } from '../../../kernel/ip-addr.js';
import { announce } from '../../shared/garp.js';
import type { BalancerConfig, VipConfig } from './balancer-config.js';
import { HOLD_CHAIN, holdQueueScript, nftTableScript, TABLE, vipMembershipScript, type Membership } from './nat-rules.js';

const nft = (script: string) => runCommand('nft', ['-f', '-'], { input: script });

export const installDataPlane = async (config: BalancerConfig): Promise<void> => {
  // No silent pickup: a mid-stream segment without a row is invalid, not a new connection.
  // Liberal window tracking: a segment of a known row is never invalid for its window (imported
  // rows start without window history), so "invalid" means exactly "no row".
  await runCommand('sysctl', ['-qw', 'net.netfilter.nf_conntrack_tcp_loose=0', 'net.netfilter.nf_conntrack_tcp_be_liberal=1', 'net.netfilter.nf_conntrack_timestamp=1',
    'net.ipv4.ip_forward=1', 'net.ipv4.conf.all.send_redirects=0', 'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2']);
  await nft(nftTableScript(config));
  await runCommand('iptables-legacy', ['-t', 'raw', '-D', 'PREROUTING', '-j', HOLD_CHAIN]).catch(() => undefined);
  await runCommand('iptables-legacy-restore', ['--noflush'], { input: holdQueueScript(config) });
};

/** Sends marked packets to their queues (while holding) or not at all (otherwise). */
export const setQueueJump = async (on: boolean): Promise<void> => {
  const jump = (op: string) => ['-t', 'raw', op, 'PREROUTING', '-j', HOLD_CHAIN];
  const present = await runCommand('iptables-legacy', jump('-C')).then(() => true, () => false);
  if (on && !present) await runCommand('iptables-legacy', jump('-I'));
  if (!on && present) await runCommand('iptables-legacy', jump('-D'));
};

export const setMembership = (config: BalancerConfig, vip: string, m: Membership) => nft(vipMembershipScript(config, vip, m));

const addresses = (config: BalancerConfig, v: VipConfig): [string, string][] => [[v.vip, config.outside.iface], [v.inside, config.inside.iface]];

/** Configures the VIP and its inside address and announces both; returns the GARP frames sent. */
export const takeAddresses = async (config: BalancerConfig, v: VipConfig): Promise<number> => {
  let sent = 0;
  for (const [address, iface] of addresses(config, v)) {
    if (!(await hasIpv4Address(address, iface))) await runCommand('ip', ['addr', 'add', `${address}/32`, 'dev', iface]);
    await announce(address, iface, await macOf(iface), config.garp.count, config.garp.intervalMs);
    sent += 2 * config.garp.count;
  }
  return sent;
};

export const releaseAddresses = async (config: BalancerConfig, v: VipConfig): Promise<void> => {
  for (const [address, iface] of addresses(config, v)) {
    if (await hasIpv4Address(address, iface)) await runCommand('ip', ['addr', 'del', `${address}/32`, 'dev', iface]);
  }
};

export interface NftCounter {
  packets: number;
  bytes: number;
}

export const readCounters = async (): Promise<Map<string, NftCounter>> => {
  const out = await runCommand('nft', ['-j', 'list', 'counters', 'table', 'ip', TABLE]);
  const parsed = JSON.parse(out) as { nftables: { counter?: { name: string; packets: number; bytes: number } }[] };
  return new Map(parsed.nftables.flatMap((o) => (o.counter ? [[o.counter.name, { packets: o.counter.packets, bytes: o.counter.bytes }] as const] : [])));
};

export const removeDataPlane = async (): Promise<void> => {
  await runCommand('nft', ['delete', 'table', 'ip', TABLE]).catch(() => undefined);
  await runCommand('iptables-legacy', ['-t', 'raw', '-D', 'PREROUTING', '-j', HOLD_CHAIN]).catch(() => undefined);
  await runCommand('iptables-legacy', ['-t', 'raw', '-X', HOLD_CHAIN]).catch(() => undefined);
};
