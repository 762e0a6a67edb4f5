// Whole-node faults. crash/kill/stop keep the node's links for a restart (see
// lab/node-lifecycle.ts for how each warns — or does not warn — the node's peers).
import type { StopMode } from '../../lab/node-lifecycle.js';
import { once, type Nemesis, type NemesisContext } from './nemesis.js';

const STOP_MODE: Record<'crash' | 'kill' | 'stop', StopMode> = { crash: 'crash', kill: 'kill', stop: 'graceful' };

export const nodeDownNemesis = (ctx: NemesisContext, fault: 'crash' | 'kill' | 'stop', node: string): Nemesis => {
  const restart = once(async () => {
    await ctx.lab.startNode(node);
    await ctx.nodeRestarted(node);
  });
  return {
    fault,
    targets: [node],
    detail: `${fault} ${node}`,
    async start() {
      const silentAt = await ctx.lab.stopNode(node, STOP_MODE[fault]);
      restart.arm();
      return silentAt;
    },
    heal: restart.heal,
  };
};

export const pauseNemesis = (ctx: NemesisContext, node: string): Nemesis => {
  const resume = once(() => ctx.lab.unpauseNode(node));
  return {
    fault: 'pause',
    targets: [node],
    detail: `pause ${node} (processes frozen; its kernel still answers)`,
    async start() {
      await ctx.lab.pauseNode(node);
      resume.arm();
    },
    heal: resume.heal,
  };
};
