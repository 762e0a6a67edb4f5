// Stop and start one node without losing its links. A container's veths live in its netns,
// which dies with the container — and a veth pair dies with either end. So before the node
// goes, its netns is held by name; once it is gone its interfaces go down there (the peers
// see carrier loss, as when a box powers off); on start they move into the new netns, come
// up, and the node's exec list runs again (addresses belonged to the old netns).
//
// How the node goes matters to the clients of its services:
//   graceful — docker stop: processes get SIGTERM and close their sockets (peers get FIN);
//   kill     — SIGKILL: the kernel still closes the sockets, so peers get FIN/RST;
//   crash    — links cut first, then SIGKILL: nothing escapes, peers are not warned. The kill
//              follows the cut by CRASH_KILL_DELAY_MS: a dead machine costs its peers no CPU,
//              but a container's teardown does (≈ 200 ms of dockerd, containerd and netns
//              cleanup on a 2-core host) — right when the survivors take over, which is what
//              the lab measures. Cut off, the node's processes can no longer be heard anyway.
import { systemClock, type Clock } from '../common/clock.js';
import { LabError } from '../common/errors.js';
import { pollUntil } from '../common/poll.js';
import type { LabContext } from './lab-context.js';
import type { LabPlan, PlannedNode } from './lab-plan.js';
import { runNodeExecs, type ExecOutput } from './node-exec.js';
import { armIpBatch } from '../kernel/run-command.js';
import { bringUpInterfaces, downInterfaces, holdNamespace, parkNamespaceOf, unparkInterfaces } from './wiring.js';

export type StopMode = 'graceful' | 'kill' | 'crash';

export const CRASH_KILL_DELAY_MS = 1000;

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

const waitUntilStopped = (ctx: Pick<LabContext, 'runtime'>, node: PlannedNode): Promise<void> =>
  pollUntil(`node '${node.spec.name}' to stop`, async () => (await ctx.runtime.inspectContainer(node.container))?.status !== 'running', {
    timeoutMs: 10_000,
    intervalMs: 20,
  });

/**
 * Stops a node; resolves with the instant it went silent to its peers (ms since the epoch):
 * a crash when its links were cut, a kill when the kill returned, a graceful stop when asked —
 * the fault's true start, which the whole stop (≈ 150 ms more) would blur.
 */
export const stopNode = async (
  plan: LabPlan,
  name: string,
  ctx: Pick<LabContext, 'runtime'>,
  mode: StopMode = 'graceful',
  clock: Clock = systemClock,
): Promise<number> => {
  const node = plannedNode(plan, name);
  const pid = await runningPid(ctx, node);
  const held = parkNamespaceOf(plan.lab, name);
  if (node.interfaces.length > 0) await holdNamespace(pid, held);
  let silentAt = clock.nowMs();
  if (mode === 'crash' && node.interfaces.length > 0) {
    // One process, already waiting, takes every link down: stamped as it is handed the commands.
    // Stamping after a fresh `ip` returned was 3–9 ms late on a loaded host (clients' data had
    // stopped that long before the recorded fault), stamping before it ran 1–2 ms early.
    const cutter = await armIpBatch(held, clock);
    silentAt = await cutter.run(node.interfaces.map((i) => `link set ${i.iface} down`));
    await new Promise((r) => setTimeout(r, CRASH_KILL_DELAY_MS));
  }
  if (mode === 'graceful') await ctx.runtime.stopContainer(node.container, 2);
  else {
    await ctx.runtime.killContainer(node.container, 'SIGKILL');
    if (mode === 'kill') silentAt = clock.nowMs();
  }
  await waitUntilStopped(ctx, node);
  if (node.interfaces.length > 0) await downInterfaces(held, node.interfaces);
  return silentAt;
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
