// A link goes down the way a cable is pulled at the far end: the PEER's end is taken down, so
// the named interface loses carrier but keeps its addresses and routes (taking it down itself
// would delete its routes, which no cable fault does).
import { LabError } from '../../common/errors.js';
import type { StartedLab } from '../../lab/lab.js';
import { inNetns } from '../../kernel/run-command.js';
import { once, type Nemesis, type NemesisContext } from './nemesis.js';

export const peerOf = (lab: StartedLab, node: string, iface: string): { node: string; iface: string } => {
  for (const link of lab.plan.links) {
    if (link.a.node === node && link.a.iface === iface) return { node: link.b.node, iface: link.b.iface };
    if (link.b.node === node && link.b.iface === iface) return { node: link.a.node, iface: link.a.iface };
  }
  throw new LabError(`${node}:${iface} is not a link of lab ${lab.name}`);
};

export const linkDownNemesis = (ctx: NemesisContext, node: string, iface: string, fault = 'link-down'): Nemesis => {
  const peer = peerOf(ctx.lab, node, iface);
  // From the host into the peer's netns (a few ms), not through docker exec (tens of ms, more
  // under load): the outage must last what the scenario says, not what the engine allows.
  const flip = async (state: 'up' | 'down') => void (await inNetns(await ctx.lab.pid(peer.node), `ip link set ${peer.iface} ${state}`));
  const up = once(() => flip('up'));
  return {
    fault,
    targets: [`${node}:${iface}`],
    detail: `${node}:${iface} loses carrier (peer ${peer.node}:${peer.iface} down)`,
    async start() {
      await flip('down');
      up.arm();
    },
    heal: up.heal,
  };
};
