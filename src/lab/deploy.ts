// Deploy: images checked before anything is created; nodes created and started in parallel
// (in waves when one shares another's netns); links wired in one `ip -batch`; interfaces
// brought up per node in parallel; then each node's exec list. Any failure or abort removes
// everything this deploy made before the error reaches the caller.
import { userInfo } from 'node:os';
import { LabError } from '../common/errors.js';
import { ensureNodeTcpHash } from '../kernel/netns-tcp-hash.js';
import type { Topology } from '../topology/types.js';
import { destroyLabs, destroyTargetOf } from './destroy.js';
import type { LabContext } from './lab-context.js';
import { LABEL } from './labels.js';
import { planLab, type LabPlan } from './lab-plan.js';
import { runNodeExecs, type ExecOutput } from './node-exec.js';
import { bringUpInterfaces, createLinks } from './wiring.js';

export interface DeployOptions {
  /** Destroy an existing lab of the same name first (containerlab's --reconfigure). */
  reconfigure?: boolean;
}

export interface DeployResult {
  plan: LabPlan;
  execOutputs: ExecOutput[];
}

const ownerName = (): string => {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
};

const checkPreconditions = async (plan: LabPlan, ctx: LabContext, options: DeployOptions): Promise<void> => {
  await ctx.runtime.ping();
  const images = [...new Set(plan.nodes.map((n) => n.spec.image))];
  const present = await Promise.all(images.map((i) => ctx.runtime.imageExists(i)));
  const missing = images.filter((_, i) => !present[i]);
  if (missing.length > 0) {
    const users = (image: string) =>
      plan.nodes
        .filter((n) => n.spec.image === image)
        .map((n) => n.spec.name)
        .join(', ');
    throw new LabError(
      `image${missing.length > 1 ? 's' : ''} not found in the engine: ${missing.map((m) => `${m} (nodes ${users(m)})`).join('; ')}. ` +
        'Build the lab image with `make images`, or pull/load the image; nothing was created.',
    );
  }
  const existing = await ctx.runtime.listContainers({ [LABEL.lab]: plan.lab });
  if (existing.length > 0 && !options.reconfigure) {
    throw new LabError(
      `lab '${plan.lab}' is already deployed (${existing.map((c) => c.name).join(', ')}); destroy it first or deploy with --reconfigure`,
    );
  }
  if (existing.length > 0) await destroyLabs(destroyTargetOf(plan), ctx);
};
let warnedSharedTable = false;

/** Before the nodes' namespaces exist: their own TCP table (kernel/netns-tcp-hash.ts); without it the lab still runs. */
const sizeNodeTcpTables = (ctx: LabContext): void => {
  const outcome = ensureNodeTcpHash();
  if (outcome.kind === 'set')
    ctx.logger.info(`net.ipv4.tcp_child_ehash_entries set to ${outcome.buckets}: each node gets its own TCP table`);
  if (outcome.kind === 'shared' && !warnedSharedTable) {
    warnedSharedTable = true;
    ctx.logger.warn(`nodes share the host's TCP table (${outcome.problem}): reading /proc/net/tcp in a node walks all of it`);
  }
};

export const deployLab = async (topology: Topology, ctx: LabContext, options: DeployOptions = {}): Promise<DeployResult> => {
  const plan = planLab(topology, ownerName());
  const { runtime, progress, signal } = ctx;
  const abortPoint = () => {
    if (signal?.aborted) throw new LabError(`deploy of lab '${plan.lab}' was interrupted`);
  };
  await progress.step('checking engine and images', () => checkPreconditions(plan, ctx, options));
  sizeNodeTcpTables(ctx);
  try {
    abortPoint();
    const network = plan.network;
    if (network) await progress.step(`management network ${network.name} (${network.ipv4Subnet})`, () => runtime.ensureNetwork(network));
    const pids = new Map<string, number>();
    await progress.step(`starting ${plan.nodes.length} nodes`, async () => {
      for (const wave of plan.waves) {
        abortPoint();
        await Promise.all(
          wave.map(async (name) => {
            const node = plan.nodes.find((n) => n.spec.name === name)!;
            await runtime.createContainer(node.create);
            await runtime.startContainer(node.container);
            const details = await runtime.inspectContainer(node.container);
            if (!details || details.pid === 0)
              throw new LabError(`node '${name}' (${node.container}) exited right after start; check its cmd and image`);
            pids.set(node.container, details.pid);
          }),
        );
      }
    });
    abortPoint();
    const pidOf = (container: string): number => {
      const pid = pids.get(container);
      if (pid === undefined) throw new LabError(`no running container ${container}`);
      return pid;
    };
    if (plan.links.length > 0) {
      await progress.step(`wiring ${plan.links.length} links`, async () => {
        await createLinks(plan.links, pidOf, signal);
        await Promise.all(plan.nodes.map((n) => bringUpInterfaces(pidOf(n.container), n.interfaces, signal)));
      });
    }
    abortPoint();
    const execOutputs: ExecOutput[] = [];
    if (plan.nodes.some((n) => n.spec.exec.length > 0)) {
      await progress.step('running exec commands', async () => {
        const perNode = await Promise.all(plan.nodes.map((n) => runNodeExecs(runtime, n, plan.labDir, signal)));
        execOutputs.push(...perNode.flat());
      });
    }
    abortPoint();
    return { plan, execOutputs };
  } catch (error) {
    ctx.logger.warn(`deploy of lab '${plan.lab}' failed; removing what it created`);
    await destroyLabs(destroyTargetOf(plan), ctx).catch((cleanupError: unknown) =>
      ctx.logger.error(
        `cleanup after failed deploy also failed: ${String(cleanupError)}; run \`failover-lab destroy -t ${plan.topologyFile}\``,
      ),
    );
    // An interrupt cancels whatever command was running; say what happened, not what was cancelled.
    if (signal?.aborted && !(error instanceof LabError))
      throw new LabError(`deploy of lab '${plan.lab}' was interrupted`, { cause: error });
    throw error;
  }
};
