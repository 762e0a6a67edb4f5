// Partitions and random loss with nftables inside the nodes (no netem on this kernel).
import { LabError } from '../../common/errors.js';
import { parseIpv4Json } from '../../kernel/ip-addr.js';
import { armCommand, releaseOrRun, type ArmedCommand } from '../../lab/armed-command.js';
import type { StartedLab } from '../../lab/lab.js';
import { dataInterfaces, deleteLossScript, deleteTableScript, lossScript, partitionScript, type PartitionRule } from './nft-rules.js';
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
 * Drops traffic from `from` at each node of `to` (and the reverse unless one-way). The heal is
 * armed in every node as soon as the rules are in (lab/armed-command.ts) and released in all
 * of them at once: healed by one exec per node, the directions reopened up to 30 ms apart on a
 * loaded host, and a daemon's answer to the first heartbeat that crossed was lost in the
 * direction still closed (a split brain that outlived its heal by a heartbeat interval).
 */
export const partitionNemesis = (ctx: NemesisContext, id: string, spec: PartitionSpec): Nemesis => {
  const applied: string[] = [];
  const armedHeals = new Map<string, Promise<ArmedCommand | undefined>>();
  const healNode = async (node: string) => {
    const released = await releaseOrRun(armedHeals.get(node), () => nft(ctx.lab, node, deleteTableScript(id)));
    await released.done.catch(() => undefined);
  };
  const undo = once(async () => {
    const nodes = applied.splice(0);
    // Released back to back before any is awaited: the directions reopen together.
    await Promise.all(nodes.map(healNode));
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
      for (const [sink, fromAddresses] of plans) {
        if (fromAddresses.length === 0) continue;
        await nft(
          ctx.lab,
          sink,
          partitionScript(id, {
            fromAddresses,
            ...(spec.protocol ? { protocol: spec.protocol } : {}),
            ...(spec.port ? { port: spec.port } : {}),
          }),
        );
        applied.push(sink);
      }
      // Armed once every rule is in, not awaited: an exec beside the next node's nft would
      // delay the partition's second half, and the fault's start with it.
      for (const sink of applied)
        armedHeals.set(
          sink,
          armCommand(ctx.lab, sink, nftCommand(deleteTableScript(id))).catch(() => undefined),
        );
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
