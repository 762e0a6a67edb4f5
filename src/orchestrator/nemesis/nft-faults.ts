// Partitions and random loss with nftables inside the nodes (no netem on this kernel).
import { systemClock, type Clock } from '../../common/clock.js';
import { errorMessage, LabError } from '../../common/errors.js';
import { parseIpv4Json } from '../../kernel/ip-addr.js';
import { NETLINK_NETFILTER, NetlinkSocket } from '../../kernel/netlink-socket.js';
import { inNetnsOf } from '../../kernel/netns.js';
import { NftBatches } from '../../kernel/nft-batch.js';
import { armCommand, releaseOrRun, type ArmedCommand } from '../../lab/armed-command.js';
import type { StartedLab } from '../../lab/lab.js';
import {
  dataInterfaces,
  deleteLossScript,
  deleteTableScript,
  lossScript,
  PARTITION_SET,
  partitionScript,
  partitionSources,
  tableName,
  type PartitionRule,
} from './nft-rules.js';
import { once, sh, type Nemesis, type NemesisContext } from './nemesis.js';

const nftCommand = (script: string) => `nft -f - <<'EOF'\n${script}EOF`;
const nft = (lab: StartedLab, node: string, script: string) => lab.execOk(node, ['sh', '-ec', nftCommand(script)]);

/** The node's data-plane IPv4 addresses (management eth0 and loopback excluded). */
export const dataAddresses = async (lab: StartedLab, node: string): Promise<string[]> => {
  const links = parseIpv4Json(await sh(lab, node, 'ip -j -4 addr show'));
  return links.filter((l) => l.ifname !== 'lo' && l.ifname !== 'eth0').flatMap((l) => l.addresses);
};

export interface PartitionSpec {
  from: string[];
  to: string[];
  oneWay: boolean;
  protocol?: PartitionRule['protocol'];
  port?: number;
}

/**
 * The node's nftables, reachable from this process through a netlink socket made in the node's
 * network namespace (kernel/netns.ts); undefined where that is refused (no CAP_SYS_ADMIN here).
 */
const nodeNftables = async (lab: StartedLab, node: string): Promise<NftBatches | undefined> => {
  try {
    const pid = await lab.pid(node);
    const tables = new NftBatches(() => inNetnsOf(pid, () => new NetlinkSocket(NETLINK_NETFILTER, 1 << 16)));
    tables.open();
    return tables;
  } catch {
    return undefined;
  }
};

/**
 * Drops traffic from `from` at each node of `to` (and the reverse unless one-way), through
 * netlink sockets in the nodes' namespaces. Each node's table is loaded inert (an empty set of
 * sources), then every set is filled, and at the heal emptied, one batch per node, every batch
 * sent before any acknowledgement is read (the kernel commits each within its send, and the first
 * read may sleep on a loaded host): both directions close, and reopen, within microseconds of
 * each other, and the fault's start is dated at that instant, not when the last node's `nft`
 * exec returned. Healed by an exec per node the directions reopened 20–30 ms apart, and a
 * daemon's answer to the first heartbeat that crossed was lost in the direction still closed.
 * The heal is that one light commit per node (the inert tables go at teardown, cleanUp), and
 * the sockets stay open until the next start or the teardown (see undo). Where this process may
 * not enter a node's namespace, the tables are loaded filled, dated when the last load
 * returned, and that node's heal (the table's deletion) is armed in it (lab/armed-command.ts)
 * and released with the others.
 */
export const partitionNemesis = (ctx: NemesisContext, id: string, spec: PartitionSpec, clock: Clock = systemClock): Nemesis => {
  const table = tableName(id);
  /** The nodes where the fault is in effect. */
  const applied: string[] = [];
  /** Every node a table was loaded on (cleanUp deletes what is left). */
  const loaded = new Set<string>();
  const direct = new Map<string, NftBatches>();
  const armedHeals = new Map<string, Promise<ArmedCommand | undefined>>();
  const closeDirect = () => {
    for (const tables of direct.values()) tables.close();
    direct.clear();
  };
  /** The nodes whose sets were emptied over netlink; the others are healed by their exec. */
  const healDirectly = (nodes: readonly string[]): Set<string> => {
    const sent = nodes.flatMap((node) => {
      const tables = direct.get(node);
      if (!tables) return [];
      try {
        return [{ node, batch: tables.send([{ kind: 'flush-set', family: 'inet', table, set: PARTITION_SET }]) }];
      } catch {
        return [];
      }
    });
    const healed = new Set<string>();
    for (const { node, batch } of sent) {
      try {
        batch.confirm();
        healed.add(node);
      } catch {
        // Healed by its exec instead (the node restarted, say).
      }
    }
    return healed;
  };
  const healByExec = async (node: string) => {
    const released = await releaseOrRun(armedHeals.get(node), () => nft(ctx.lab, node, deleteTableScript(id)));
    await released.done.catch(() => undefined);
    loaded.delete(node);
  };
  const undo = once(async () => {
    const nodes = applied.splice(0);
    // The sockets stay open until the next start or the teardown: closing a netfilter socket
    // makes the kernel wait, under the node's nftables lock, for the release of what the heal's
    // commit removed (an RCU grace period: milliseconds on a loaded host), and a daemon's own change
    // there (arp-ha's gate as it steps down at a split brain's heal) waited behind it.
    const healed = healDirectly(nodes);
    // Released back to back before any is awaited; a failed direct heal (the node restarted) is run there.
    await Promise.all(nodes.filter((n) => !healed.has(n)).map(healByExec));
    armedHeals.clear();
  });
  const scope = [spec.protocol, spec.port !== undefined ? `port ${spec.port}` : undefined].filter(Boolean).join(' ') || 'all IP traffic';
  return {
    fault: 'partition',
    targets: [...spec.from, ...spec.to],
    detail: `${spec.from.join(',')} ${spec.oneWay ? '→' : '↔'} ${spec.to.join(',')} dropped (${scope})`,
    async start() {
      const both = spec.from.filter((n) => spec.to.includes(n));
      if (both.length > 0) throw new LabError(`partition: ${both.join(', ')} cannot be on both sides`);
      const directions: [string[], string[]][] = [
        [spec.from, spec.to],
        ...(spec.oneWay ? [] : [[spec.to, spec.from] as [string[], string[]]]),
      ];
      const plans: [string, string[]][] = [];
      for (const [sources, sinks] of directions) {
        const fromAddresses = (await Promise.all(sources.map((n) => dataAddresses(ctx.lab, n)))).flat();
        for (const sink of sinks) plans.push([sink, fromAddresses]);
      }
      undo.arm();
      const rule = (fromAddresses: string[]): PartitionRule => ({
        fromAddresses,
        ...(spec.protocol ? { protocol: spec.protocol } : {}),
        ...(spec.port ? { port: spec.port } : {}),
      });
      const sinks = plans.filter(([, fromAddresses]) => fromAddresses.length > 0);
      // Opened anew each time: a node restarted since has another namespace. The last cycle's
      // are closed long after its heal, when nothing of its commit is left to release.
      closeDirect();
      // Every node at once: nothing of this happens before the sets are filled below.
      await Promise.all(
        sinks.map(async ([sink]) => {
          const tables = await nodeNftables(ctx.lab, sink);
          if (tables) direct.set(sink, tables);
        }),
      );
      const gated = sinks.every(([sink]) => direct.has(sink));
      await Promise.all(
        sinks.map(async ([sink, fromAddresses]) => {
          // A flap's earlier cycle may have left the table there, inert: loaded afresh, not twice
          // (`add` first, so that the `delete` finds a table whether there was one or not).
          await nft(ctx.lab, sink, `add table inet ${table}\n${deleteTableScript(id)}${partitionScript(id, rule(fromAddresses), !gated)}`);
          loaded.add(sink);
          applied.push(sink);
          if (!direct.has(sink))
            armedHeals.set(
              sink,
              armCommand(ctx.lab, sink, nftCommand(deleteTableScript(id))).catch(() => undefined),
            );
        }),
      );
      if (!gated) return;
      const at = clock.preciseNowMs();
      const sent = sinks.map(([sink, fromAddresses]) => ({ sink, batch: direct.get(sink)!.send(partitionSources(id, fromAddresses)) }));
      for (const { sink, batch } of sent) {
        try {
          batch.confirm();
        } catch (e) {
          throw new LabError(`partition ${id}: the sources did not go into ${sink}'s set: ${errorMessage(e)}`, { cause: e });
        }
      }
      return at;
    },
    heal: async () => {
      await undo.heal();
    },
    async cleanUp() {
      closeDirect();
      const nodes = [...loaded];
      loaded.clear();
      // Best effort: a node that is gone took its table with it.
      await Promise.all(nodes.map((node) => nft(ctx.lab, node, deleteTableScript(id)).catch(() => undefined)));
    },
  };
};

/**
 * Random loss on `iface`, or on every data interface of the node (all but lo and eth0). The nft
 * load is atomic and doubles as the probe for kernel support: if netdev ingress/egress hooks are
 * missing it fails and nothing is applied, and the fault fails naming itself and the node.
 */
export const lossNemesis = (
  ctx: NemesisContext,
  id: string,
  node: string,
  percent: number,
  direction: 'in' | 'out' | 'both',
  iface?: string,
): Nemesis => {
  const undo = once(async () => void (await nft(ctx.lab, node, deleteLossScript(id))));
  const where = iface ? `${node}:${iface}` : node;
  return {
    fault: 'loss',
    targets: [where],
    detail: `${percent}% random loss ${direction} on ${where}`,
    async start() {
      const ifaces = iface ? [iface] : dataInterfaces((await sh(ctx.lab, node, 'ls /sys/class/net')).split(/\s+/).filter(Boolean));
      if (ifaces.length === 0) throw new LabError(`loss ${id} on ${node}: the node has no data interface (only lo and eth0)`);
      try {
        await nft(ctx.lab, node, lossScript(id, percent, direction, ifaces));
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        throw new LabError(`loss ${id} on ${where}: cannot install netdev ingress/egress rules (kernel support?): ${why}`, { cause: e });
      }
      undo.arm();
    },
    heal: undo.heal,
  };
};
