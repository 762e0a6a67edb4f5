// The balancer's kernel effects: install the ruleset and the hold queue jumps, put a VIP in
// the right nftables sets, configure or remove its addresses (announcing them), and read the
// counters. Decisions are made by the mode table; this only carries them out.
//
// A VIP move waits on every effect of its steps, so none of them spawns a process or waits on
// one: set changes are one nfnetlink batch each (committed inside sendmsg), addresses go through
// rtnetlink, and the NFQUEUE jump is installed once (only marked packets take it). A spawn costs
// 10–30 ms on a loaded 2-core node, and a move would make a dozen of them; a line through a
// running `nft -i` still costs 2–20 ms (nft refreshes its cache and lists a marker to say it is done).
import { runCommand } from '../../../kernel/run-command.js';
import { macOf } from '../../../kernel/ip-addr.js';
import { NftCounters, type CounterValue } from '../../../kernel/nft-counters.js';
import { NftBatches } from '../../../kernel/nft-batch.js';
import { AddressControl } from '../../../kernel/rtnetlink-addr.js';
import { announceNowAndLater } from '../../shared/garp.js';
import type { BalancerConfig, VipConfig } from './balancer-config.js';
import { HOLD_CHAIN, holdJumpArgs, holdQueueScript, nftTableScript, TABLE, vipMembershipChanges, type Membership } from './nat-rules.js';

export interface AddressesTaken {
  /** Gratuitous ARP frames sent and still to send. */
  garpFrames: number;
  /** The announcements after the first pair (sent in the background: traffic moves on the first). */
  rest: Promise<void>;
}

export class DataPlane {
  private readonly elements = new NftBatches();
  private readonly counters = new NftCounters();
  private readonly addresses = new AddressControl();

  constructor(private readonly config: BalancerConfig) {}

  async install(): Promise<void> {
    // No silent pickup: a mid-stream segment without a row is invalid, not a new connection.
    // Liberal window tracking: a segment of a known row is never invalid for its window (imported
    // rows start without window history), so "invalid" means exactly "no row".
    await runCommand('sysctl', [
      '-qw',
      'net.netfilter.nf_conntrack_tcp_loose=0',
      'net.netfilter.nf_conntrack_tcp_be_liberal=1',
      'net.netfilter.nf_conntrack_timestamp=1',
      'net.ipv4.ip_forward=1',
      'net.ipv4.conf.all.send_redirects=0',
      'net.ipv4.conf.all.arp_ignore=1',
      'net.ipv4.conf.all.arp_announce=2',
    ]);
    await runCommand('nft', ['-f', '-'], { input: nftTableScript(this.config) });
    await runCommand('iptables-legacy', ['-t', 'raw', '-D', ...holdJumpArgs()]).catch(() => undefined);
    await runCommand('iptables-legacy-restore', ['--noflush'], { input: holdQueueScript(this.config) });
    if (this.config.migration.hold === 'queue') await runCommand('iptables-legacy', ['-t', 'raw', '-I', ...holdJumpArgs()]);
  }

  /** One transaction: a VIP is never seen half in one state and half in another. */
  setMembership(vip: string, m: Membership): void {
    this.elements.apply(vipMembershipChanges(this.config, vip, m));
  }

  /** Configures the VIP and its inside address and sends the first announcement of each at once. */
  async takeAddresses(v: VipConfig): Promise<AddressesTaken> {
    const { count, intervalMs } = this.config.garp;
    const pairs = await Promise.all(
      this.addressesOf(v).map(async ([address, iface]) => {
        this.addresses.add(address, iface);
        return { address, iface, mac: await macOf(iface) };
      }),
    );
    const { rest } = await announceNowAndLater(pairs, count, intervalMs);
    return { garpFrames: 2 * count * pairs.length, rest };
  }

  releaseAddresses(v: VipConfig): void {
    for (const [address, iface] of this.addressesOf(v)) this.addresses.remove(address, iface);
  }

  /** The ruleset's named counters (per VIP and per refusal), over nfnetlink: no nft process. */
  readCounters(): Map<string, CounterValue> {
    return this.counters.read('ip', TABLE);
  }

  close(): void {
    this.elements.close();
    this.counters.close();
    this.addresses.close();
  }

  private addressesOf(v: VipConfig): [string, string][] {
    return [
      [v.vip, this.config.outside.iface],
      [v.inside, this.config.inside.iface],
    ];
  }
}

export const removeDataPlane = async (): Promise<void> => {
  await runCommand('nft', ['delete', 'table', 'ip', TABLE]).catch(() => undefined);
  await runCommand('iptables-legacy', ['-t', 'raw', '-D', ...holdJumpArgs()]).catch(() => undefined);
  await runCommand('iptables-legacy', ['-t', 'raw', '-X', HOLD_CHAIN]).catch(() => undefined);
};
