// Stop and start one node without losing its links. Stopping a container destroys its
// netns and with it every veth end inside — and so the whole pair. So before stopping we
// move the node's lab interfaces into a parking namespace (the peer sees carrier loss, as
// when a box powers off), and on start move them into the new netns, bring them up and
// re-run the node's exec list (addresses live in the netns and went with it).
import { LabError } from '../common/errors.js';
import type { LabContext } from './lab-context.js';
import type { LabPlan, PlannedNode } from './lab-plan.js';
import { runNodeExecs, type ExecOutput } from './node-exec.js';
import { bringUpInterfaces, parkInterfaces, parkNamespaceOf, unparkInterfaces } from './wiring.js';

export const plannedNode = (plan: LabPlan, node: string): PlannedNode => {
  const found = plan.nodes.find((n) => n.spec.name === node);
  if (!found) throw new LabError(`lab '${plan.lab}' has no node '${node}' (nodes: ${plan.nodes.map((n) => n.spec.name).join(', ')})`);
  return found;
};

const runningPid = async (ctx: Pick<LabContext, 'runtime'>, node: PlannedNode): Promise<number> => {
  const details = await ctx.runtime.inspectContainer(node.container);
  if (!details) throw new LabError(`node '${node.spec.name}': container ${node.container} does not exist; is the lab deployed?`);
  if (details.status !== 'running' || details.pid === 0) throw new LabError(`node '${node.spec.name}' is ${details.status}, not running`);
  return details.pid;
};

export const stopNode = async (plan: LabPlan, name: string, ctx: Pick<LabContext, 'runtime'>): Promise<void> => {
  const node = plannedNode(plan, name);
  const pid = await runningPid(ctx, node);
  if (node.interfaces.length > 0) await parkInterfaces(pid, node.interfaces, parkNamespaceOf(plan.lab, name));
  await ctx.runtime.stopContainer(node.container, 2);
};

export const startNode = async (plan: LabPlan, name: string, ctx: Pick<LabContext, 'runtime'>): Promise<ExecOutput[]> => {
  const node = plannedNode(plan, name);
  const details = await ctx.runtime.inspectContainer(node.container);
  if (!details) throw new LabError(`node '${name}': container ${node.container} does not exist; is the lab deployed?`);
  if (details.status === 'running') throw new LabError(`node '${name}' is already running`);
  await ctx.runtime.startContainer(node.container);
  const pid = await runningPid(ctx, node);
  if (node.interfaces.length > 0) {
    await unparkInterfaces(parkNamespaceOf(plan.lab, name), node.interfaces, pid);
    await bringUpInterfaces(pid, node.interfaces);
  }
  return runNodeExecs(ctx.runtime, node, plan.labDir);
};
