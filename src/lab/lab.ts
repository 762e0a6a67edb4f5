// The lab handle in typestate form (as testcontainers does it): a `Lab` is a parsed topology
// that can be deployed; `deploy()` yields a `StartedLab` that can exec, stop/start/pause
// nodes and be destroyed, and that destroys itself when disposed (`await using`).
import { LabError } from '../common/errors.js';
import type { ExecResult, ExecStream, RealtimeBudget } from '../runtime/container-runtime.js';
import type { Topology } from '../topology/types.js';
import { deployLab, type DeployOptions } from './deploy.js';
import { destroyLabs, destroyTargetOf, type DestroyReport } from './destroy.js';
import type { LabContext } from './lab-context.js';
import { LABEL } from './labels.js';
import { planLab, type LabPlan } from './lab-plan.js';
import { plannedNode, startNode, stopNode, type StopMode } from './node-lifecycle.js';
import type { ExecOutput } from './node-exec.js';
import { perGroupRealtimeBudgets } from '../kernel/cgroup-sched-files.js';

/**
 * Pure: each of `count` nodes' realtime share. The kernel refuses budgets that add up to more
 * than the parent group's (95% of each CPU by default); 85% shared out leaves room for a
 * second lab, and 40% caps what a runaway realtime process can take from everything else.
 */
export const realtimeBudget = (count: number): RealtimeBudget => ({
  periodUs: 100_000,
  runtimeUs: Math.min(40_000, Math.floor(85_000 / Math.max(1, count))),
});

export class Lab {
  readonly plan: LabPlan;
  constructor(
    readonly topology: Topology,
    protected readonly ctx: LabContext,
  ) {
    // The owner only labels containers; planning here is for name and node lookups.
    this.plan = planLab(topology, '');
  }

  get name(): string {
    return this.topology.name;
  }

  async deploy(options: DeployOptions = {}): Promise<StartedLab> {
    const result = await deployLab(this.topology, this.ctx, options);
    return new StartedLab(this.topology, this.ctx, result.execOutputs);
  }

  /** Attaches to a lab deployed earlier (e.g. by the CLI) without deploying. */
  async attach(): Promise<StartedLab> {
    const found = await this.ctx.runtime.listContainers({ [LABEL.lab]: this.name });
    if (found.length === 0) throw new LabError(`lab '${this.name}' is not deployed`);
    return new StartedLab(this.topology, this.ctx, []);
  }

  destroy(): Promise<DestroyReport> {
    return destroyLabs(destroyTargetOf(this.plan), this.ctx);
  }
}

export class StartedLab extends Lab implements AsyncDisposable {
  constructor(
    topology: Topology,
    ctx: LabContext,
    readonly execOutputs: ExecOutput[],
  ) {
    super(topology, ctx);
  }

  containerOf(node: string): string {
    return plannedNode(this.plan, node).container;
  }

  exec(node: string, argv: string[], options: { signal?: AbortSignal } = {}): Promise<ExecResult> {
    return this.ctx.runtime.exec(this.containerOf(node), argv, options);
  }

  /** Starts a long-running command whose output is streamed (probes, daemons, captures). */
  execStream(node: string, argv: string[]): Promise<ExecStream> {
    return this.ctx.runtime.execStream(this.containerOf(node), argv);
  }

  /** Like exec, but a non-zero exit is an error carrying the command's output. */
  async execOk(node: string, argv: string[]): Promise<string> {
    const result = await this.exec(node, argv);
    if (result.exitCode !== 0) {
      throw new LabError(`node '${node}': \`${argv.join(' ')}\` exited ${result.exitCode}: ${(result.stderr || result.stdout).trim()}`);
    }
    return result.stdout;
  }

  async pid(node: string): Promise<number> {
    const details = await this.ctx.runtime.inspectContainer(this.containerOf(node));
    if (!details || details.pid === 0) throw new LabError(`node '${node}' is not running`);
    return details.pid;
  }

  /** Stops a node, keeping its links for a later startNode; see StopMode for how it goes. */
  /** Resolves with the instant the node went silent (see node-lifecycle.ts). */
  stopNode(node: string, mode: StopMode = 'graceful'): Promise<number> {
    return stopNode(this.plan, node, this.ctx, mode);
  }

  startNode(node: string): Promise<ExecOutput[]> {
    return startNode(this.plan, node, this.ctx);
  }

  /**
   * Lets the processes of `nodes` use realtime scheduling: the CPU time is shared out among
   * `sharedBy` nodes (see realtimeBudget). Containers with a budget of their own reject the change when
   * the engine's parent group has none left (the error says so).
   */
  async giveRealtimeBudget(nodes: readonly string[], sharedBy = nodes.length): Promise<void> {
    // cgroup v2 or no RT group scheduling: nothing per node to give (see kernel/cgroup-sched.ts).
    if (!perGroupRealtimeBudgets()) return;
    const budget = realtimeBudget(sharedBy);
    await Promise.all(nodes.map((n) => this.ctx.runtime.setRealtimeBudget(this.containerOf(n), budget)));
  }

  pauseNode(node: string): Promise<void> {
    return this.ctx.runtime.pauseContainer(this.containerOf(node));
  }

  unpauseNode(node: string): Promise<void> {
    return this.ctx.runtime.unpauseContainer(this.containerOf(node));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy();
  }
}
