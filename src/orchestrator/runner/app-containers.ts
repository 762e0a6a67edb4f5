// The scenario's `apps:` on the engine, with testcontainers' GenericContainer: each app in its
// node's network namespace, started in file order after the lab deploys and before the
// daemons; stopped and removed at teardown whatever happened, then swept by label, so a
// failed start leaves nothing behind either (docs/apps.md: why the Ryuk reaper is off).
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { GenericContainer, Wait, type StartedTestContainer, type WaitStrategy } from 'testcontainers';
import { errorMessage } from '../../common/errors.js';
import { pollUntil } from '../../common/poll.js';
import type { LabContext } from '../../lab/lab-context.js';
import { LABEL } from '../../lab/labels.js';
import type { StartedLab } from '../../lab/lab.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import type { PlacedApp } from '../scenario/app-checks.js';
import { appLabels, describeWait, planApp, type AppPlan } from './app-plan.js';
import type { RepeatRecord } from './repeat-record.js';

/**
 * Offline defaults, unless the user set them: no Ryuk reaper (its image would be pulled), and
 * the engine's host given outright — inside a container testcontainers otherwise inspects the
 * `bridge` network (absent when dockerd runs with --bridge=none) or runs alpine to find it.
 */
export const offlineTestcontainersEnv = (env: NodeJS.ProcessEnv = process.env): void => {
  env['TESTCONTAINERS_RYUK_DISABLED'] ??= 'true';
  env['TESTCONTAINERS_HOST_OVERRIDE'] ??= 'localhost';
};

/**
 * testcontainers' listening-port wait checks *exposed* ports, and a `container:` network mode
 * exposes none, so it would pass at once. This one asks the node itself (same namespace, and
 * the lab image has `ss`) until the port listens.
 */
class NodePortWait implements WaitStrategy {
  private timeoutMs = 60_000;
  private timeoutSet = false;
  constructor(private readonly listening: () => Promise<boolean>) {}
  async waitUntilReady(): Promise<void> {
    await pollUntil('the port to listen', this.listening, { timeoutMs: this.timeoutMs });
  }
  withStartupTimeout(ms: number): this {
    this.timeoutMs = ms;
    this.timeoutSet = true;
    return this;
  }
  isStartupTimeoutSet(): boolean {
    return this.timeoutSet;
  }
  getStartupTimeout(): number {
    return this.timeoutMs;
  }
}

const waitStrategyOf = (plan: AppPlan, lab: StartedLab): WaitStrategy => {
  const w = plan.wait;
  switch (w.kind) {
    case 'port':
      return new NodePortWait(async () => {
        const r = await lab.exec(plan.app.node, ['ss', '-Hltn', `sport = :${w.port}`]);
        return r.exitCode === 0 && r.stdout.trim() !== '';
      });
    case 'log':
      return Wait.forLogMessage(new RegExp(w.pattern), w.times);
    case 'command':
      return Wait.forSuccessfulCommand(w.command);
    case 'started':
      return Wait.forListeningPorts();
  }
};

const neverPull = { shouldPull: () => false };

export class RepeatApps {
  private readonly started: { plan: AppPlan; container: StartedTestContainer }[] = [];
  private readonly logs: WriteStream[] = [];
  private labName: string | undefined;

  constructor(
    private readonly apps: readonly PlacedApp[],
    private readonly dir: string,
    private readonly record: RepeatRecord,
    private readonly ctx: LabContext,
  ) {}

  /** Starts every app in file order; the first that fails throws a ScenarioError naming its line. */
  async start(lab: StartedLab): Promise<void> {
    if (this.apps.length === 0) return;
    offlineTestcontainersEnv();
    this.labName = lab.name;
    for (const app of this.apps) {
      const plan = planApp(app, lab.name, lab.containerOf(app.node));
      if (!(await this.ctx.runtime.imageExists(app.image)))
        throw new ScenarioError(
          app.at.image,
          `app '${app.name}': image '${app.image}' is not in the engine; build or load it first (nothing is pulled: the lab runs offline)`,
        );
      const t0 = Date.now();
      const container = await this.startOne(plan, lab);
      this.started.push({ plan, container });
      this.record.note('app-started', `${app.name} on ${app.node} (${plan.container}, ready in ${Date.now() - t0} ms)`);
    }
  }

  private async startOne(plan: AppPlan, lab: StartedLab): Promise<StartedTestContainer> {
    const { app } = plan;
    const log = createWriteStream(path.join(this.dir, plan.logFile));
    this.logs.push(log);
    let container = new GenericContainer(app.image)
      .withName(plan.container)
      .withLabels(plan.labels)
      .withNetworkMode(plan.networkMode)
      .withEnvironment(app.env)
      .withBindMounts(plan.binds)
      .withPullPolicy(neverPull)
      .withLogConsumer((stream: Readable) => stream.pipe(log, { end: false }))
      .withWaitStrategy(waitStrategyOf(plan, lab))
      .withStartupTimeout(app.startupTimeout);
    if (plan.command) container = container.withCommand(plan.command);
    try {
      return await container.start();
    } catch (error) {
      throw new ScenarioError(
        app.at.wait,
        `app '${app.name}' (${app.image} on ${app.node}) did not become ready (${describeWait(plan.wait)}) ` +
          `within ${app.startupTimeout / 1000} s: ${errorMessage(error)}; its output is in ${plan.logFile}`,
      );
    }
  }

  /** Stops and removes every app container of this repeat; returns the problems, never throws. */
  async stopAll(): Promise<string[]> {
    const problems: string[] = [];
    for (const { plan, container } of this.started.reverse()) {
      try {
        await container.stop({ timeout: 2_000, remove: true });
        this.record.note('app-stopped', plan.app.name);
      } catch (error) {
        problems.push(`stopping app '${plan.app.name}': ${errorMessage(error)}`);
      }
    }
    this.started.length = 0;
    // Whatever testcontainers left (a container created but never started, a stop that failed).
    if (this.labName !== undefined) {
      try {
        const left = await this.ctx.runtime.listContainers({ ...appLabels(this.labName), [LABEL.app]: true });
        await Promise.all(left.map((c) => this.ctx.runtime.removeContainer(c.name)));
      } catch (error) {
        problems.push(`removing app containers: ${errorMessage(error)}`);
      }
    }
    await Promise.all(this.logs.map((l) => new Promise<void>((r) => l.end(r))));
    return problems;
  }
}
