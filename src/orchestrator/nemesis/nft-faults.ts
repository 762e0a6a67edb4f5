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
 * Drops traffic from `from` at each node of `to` (and the reverse unless one-way). It starts as
 * it heals, through netlink sockets in the nodes' namespaces: the tables are loaded inert first,
 * then filled together, so the fault's date is when both directions closed, not when the last
 * node's `nft` exec returned (slow on a loaded host: a node's reaction to the fault could date
 * from before the fault). The heal deletes every node's table from this process, one netlink batch per node back to back, so
 * the directions reopen within microseconds of each other: healed by an exec per node they
 * reopened 20–30 ms apart on a loaded host, and a daemon's answer to the first heartbeat that
 * crossed was lost in the direction still closed (a split brain that outlived its heal by a
 * heartbeat interval). Where this process may not enter a node's namespace, that node's heal
 * is armed in it instead (lab/armed-command.ts) and released with the others.
 */
export const partitionNemesis = (ctx: NemesisContext, id: string, spec: PartitionSpec, clock: Clock = systemClock): Nemesis => {
  const applied: string[] = [];
  const direct = new Map<string, NftBatches>();
  const armedHeals = new Map<string, Promise<ArmedCommand | undefined>>();
  /**
   * The nodes whose tables went over netlink. Every node's batch is sent before any
   * acknowledgement is read: the kernel commits each within its send, so nothing of this process
   * (the first read may sleep, and a loaded host wakes it late) comes between two nodes' commits.
   */
  const healDirectly = (nodes: readonly string[]): Set<string> => {
    const sent = nodes.flatMap((node) => {
      const tables = direct.get(node);
      if (!tables) return [];
      try {
        return [{ node, tables, batch: tables.send([{ kind: 'destroy-table', family: 'inet', table: tableName(id) }]) }];
      } catch {
        tables.close();
        return [];
      }
    });
    const healed = new Set<string>();
    for (const { node, tables, batch } of sent) {
      try {
        batch.confirm();
        healed.add(node);
      } catch {
        // Healed by its exec instead (the node restarted, say).
      } finally {
        tables.close();
      }
    }
    return healed;
  };
  const healByExec = async (node: string) => {
    const released = await releaseOrRun(armedHeals.get(node), () => nft(ctx.lab, node, deleteTableScript(id)));
    await released.done.catch(() => undefined);
  };
  const undo = once(async () => {
    const nodes = applied.splice(0);
    const healed = healDirectly(nodes);
    // Released back to back before any is awaited; a failed direct heal (the node restarted) is run there.
    await Promise.all(nodes.filter((n) => !healed.has(n)).map(healByExec));
    direct.clear();
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
      for (const [sink] of sinks) {
        const tables = await nodeNftables(ctx.lab, sink);
        if (tables) direct.set(sink, tables);
      }
      // Where every node's namespace can be entered, each table is loaded inert and the fault
      // starts when the sources go into every node's set, each batch sent before any
      // acknowledgement is read: both directions close within microseconds, at the date returned.
      // Otherwise each node's exec closes its part as it finishes, and the fault dates from the last.
      const gated = sinks.every(([sink]) => direct.has(sink));
      for (const [sink, fromAddresses] of sinks) {
        await nft(ctx.lab, sink, partitionScript(id, rule(fromAddresses), !gated));
        applied.push(sink);
        if (!direct.has(sink))
          armedHeals.set(
            sink,
            armCommand(ctx.lab, sink, nftCommand(deleteTableScript(id))).catch(() => undefined),
          );
      }
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
