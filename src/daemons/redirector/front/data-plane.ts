// The redirector's kernel effects: the nftables table, the addresses, a service's cycle, and
// a back end's purge (its conntrack entries deleted, its clients told). Decisions are the
// core's; this only carries them out.
import { randomInt } from 'node:crypto';
import { Conntrack, type CreateResult } from '../../../kernel/ctnetlink.js';
import { tupleKey } from '../../../kernel/ctnetlink-codec.js';
import { IPPROTO_TCP } from '../../../kernel/ctnetlink-attributes.js';
import { macOf } from '../../../kernel/ip-addr.js';
import { nudgePacket } from '../../../kernel/ip-packet.js';
import { RawIpSocket } from '../../../kernel/raw-ip-socket.js';
import { NftBatches } from '../../../kernel/nft-batch.js';
import { ipv4Key } from '../../../kernel/nft-set-elements.js';
import { AddressControl } from '../../../kernel/rtnetlink-addr.js';
import { runCommand } from '../../../kernel/run-command.js';
import { entryOf, rowsOf, type AccessRow } from '../../shared/conntrack-rows.js';
import { announceNowAndLater, type Announcement } from '../../shared/garp.js';
import type { RedirectorConfig } from './redirector-config.js';
import { cycleChanges, DEAD_SET, TABLE, tableScript } from './redirector-rules.js';

export interface PurgeResult {
  deleted: number;
  /** How long the dump, the deletes and the nudges took (a busy node shows here). */
  ms: number;
  /** Clients sent the nudge they answer into a reset (established connections only). */
  kicked: number;
}

/** The addresses are announced twice, this far apart (a lost first one is not the end). */
const REPEAT_ANNOUNCE_MS = 50;

export class DataPlane {
  private readonly conntrack = new Conntrack();
  private readonly addresses = new AddressControl();
  private readonly nft = new NftBatches();

  constructor(private readonly config: RedirectorConfig) {}

  /** Resolves once the addresses answer; `repeat` once their second announcement is out too. */
  async install(cycles: ReadonlyMap<number, readonly string[]>): Promise<{ repeat: Promise<void> }> {
    // loose=0: a segment of a purged connection is invalid, never a new connection to DNAT.
    // timestamp: entries carry their start, for the table's ages. events: every entry announces
    // itself, its state changes and its end (table 111 follows them), listener or not at its start.
    // Independent of each other: both processes start at once (a restarting daemon reads table
    // 111 from conntrack meanwhile, redirector.ts).
    await Promise.all([
      runCommand('sysctl', [
        '-qw',
        'net.netfilter.nf_conntrack_tcp_loose=0',
        'net.netfilter.nf_conntrack_timestamp=1',
        'net.netfilter.nf_conntrack_events=1',
        'net.ipv4.ip_forward=1',
        'net.ipv4.conf.all.send_redirects=0',
      ]),
      runCommand('nft', ['-f', '-'], { input: tableScript(this.config) }),
    ]);
    this.nft.apply([...cycles].flatMap(([port, cycle]) => cycleChanges(port, cycle)));
    if (!this.config.takeAddresses) return { repeat: Promise.resolve() };
    const pairs: Announcement[] = [];
    for (const [address, iface] of [
      [this.config.vip, this.config.outside.iface],
      [this.config.inside, this.config.insideIface],
    ] as const) {
      this.addresses.add(address, iface);
      pairs.push({ address, iface, mac: await macOf(iface) });
    }
    // The second announcement, in case the first was lost, need not hold up the service.
    const { rest } = await announceNowAndLater(pairs, 2, REPEAT_ANNOUNCE_MS);
    return { repeat: rest };
  }

  /** A service's new cycle (back-end addresses), in one nfnetlink transaction: effective on return. */
  program(port: number, cycle: readonly string[]): void {
    this.nft.apply(cycleChanges(port, cycle));
  }

  /** Forward nothing more to `ip` (one nfnetlink batch: no process, effective on return), or again. */
  block(ip: string, blocked: boolean): void {
    this.nft.apply([{ op: blocked ? 'add' : 'delete', family: 'ip', table: TABLE, set: DEAD_SET, key: ipv4Key(ip), label: ip }]);
  }

  /** The live forwarded connections with their NAT bindings, for the standby's copy (GET /sync). */
  rows(): AccessRow[] {
    return rowsOf(this.conntrack.dump({ origDst: this.config.vip }), new Set([this.config.vip]));
  }

  /** The standby's copies of the active's connections (present ones are counted, not refused). */
  createRows(rows: readonly AccessRow[]): CreateResult {
    return rows.length === 0 ? { created: 0, present: 0 } : this.conntrack.create(rows.map(entryOf));
  }

  /** Copies the active no longer has (absent ones are counted as gone). */
  deleteRows(rows: readonly AccessRow[]): number {
    return rows.length === 0 ? 0 : this.conntrack.delete(rows.map((r) => tupleKey(entryOf(r).orig))).deleted;
  }

  /**
   * Deletes every conntrack entry of `ip` for `ports` (read from the kernel now, so entries made
   * after 111's last refresh go too) and nudges each established client: its answer reaches the
   * VIP with no entry, and the front end's stack resets it — at once, whatever its backoff.
   */
  purge(ip: string, ports: readonly number[], kick: boolean): PurgeResult {
    const started = performance.now();
    const entries = this.conntrack
      .dump({ origDst: this.config.vip })
      .filter((e) => e.orig.protocol === IPPROTO_TCP && e.reply.src === ip && ports.includes(e.orig.dport));
    // Deleted first: a client's answer that still met its entry would be forwarded into the block.
    const { deleted } = this.conntrack.delete(entries.map((e) => e.origKey));
    let kicked = 0;
    if (kick) {
      const raw = new RawIpSocket();
      try {
        for (const e of entries) {
          if (e.tcpState !== 'ESTABLISHED') continue;
          raw.send(nudgePacket({ ip: e.orig.dst, port: e.orig.dport }, { ip: e.orig.src, port: e.orig.sport }, randomInt(2 ** 32)));
          kicked++;
        }
      } finally {
        raw.close();
      }
    }
    return { deleted, kicked, ms: Math.round(performance.now() - started) };
  }

  close(): void {
    this.conntrack.close();
    this.nft.close();
    if (this.config.takeAddresses) {
      this.addresses.remove(this.config.vip, this.config.outside.iface);
      this.addresses.remove(this.config.inside, this.config.insideIface);
    }
    this.addresses.close();
  }
}

export const removeDataPlane = async (): Promise<void> => {
  await runCommand('nft', ['delete', 'table', 'ip', TABLE]).catch(() => undefined);
};
