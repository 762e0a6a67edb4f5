// One repeat of a scenario, in Jepsen's nesting: lab → captures → apps → daemons → probe servers →
// probe clients + fault schedule; then, whatever happened, heal every fault, stop every
// process, finish captures — and judge the merged history while the lab is destroyed (unless the
// caller keeps it: --keep).
import { mkdir } from 'node:fs/promises';
import { systemClock, type Clock } from '../../common/clock.js';
import type { LabContext } from '../../lab/lab-context.js';
import { Lab, type StartedLab } from '../../lab/lab.js';
import { runCheckers } from '../checker/checker.js';
import { matches } from '../checker/event-count.js';
import { scenarioCheckers } from '../checker/checks-from-config.js';
import type { HistoryEntry, RunHistory } from '../history/history-types.js';
import { planFault } from '../nemesis/fault-plan.js';
import type { NemesisContext } from '../nemesis/nemesis.js';
import type { CheckResult } from '../report/report-types.js';
import { workloadMs, type Scenario, type Workload } from '../scenario/parse-scenario.js';
import { RepeatApps } from './app-containers.js';
import { healAll, runSchedule, triggerOf, type ScheduledFault } from './fault-schedule.js';
import { PROBE_SERVER_PATTERN } from './probe-commands.js';
import { RepeatCaptures } from './repeat-captures.js';
import { RepeatProcesses } from './repeat-processes.js';
import { RepeatRecord } from './repeat-record.js';
import { seededRandom } from './seeded-random.js';
import type { TrackedProcess } from './tracked-process.js';

export interface RepeatOptions {
  scenario: Scenario;
  index: number;
  seed: number;
  /** The repeat's folder (pcaps land here). */
  dir: string;
  ctx: LabContext;
  /** Called with every history entry as it happens (live progress). */
  onEntry?: (entry: HistoryEntry) => void;
  /** Hand the lab back in the outcome (the caller destroys or keeps it); otherwise it goes while the history is judged. */
  keepLab?: boolean;
  /** Wall clock of the history (default: the system's). */
  clock?: Clock;
}

export interface RepeatOutcome {
  history: RunHistory;
  checks: CheckResult[];
  /** pcap files written, relative to `dir`. */
  pcaps: string[];
  error?: string;
  lab?: StartedLab;
}

/** How long past the longest workload the clients may take before the repeat gives up on them. */
const CLIENT_GRACE_MS = 30_000;

const describeWorkload = (w: Workload): string => {
  if (w.kind === 'probe') return `${w.name}: ${w.streams} × ${w.direction}`;
  if (w.kind === 'ssh') return `${w.name}: ${w.sessions} × ssh ${w.mode}`;
  return `${w.name}: command on ${w.client.node}`;
};

/** The state of one repeat and its steps, in the order runRepeat calls them. */
class Repeat {
  readonly record: RepeatRecord;
  readonly captures: RepeatCaptures;
  readonly processes: RepeatProcesses;
  readonly apps: RepeatApps;
  lab: StartedLab | undefined;
  private scheduled: ScheduledFault[] = [];
  private readonly scheduleAbort = new AbortController();
  private tearingDown = false;

  private readonly clock: Clock;

  constructor(private readonly options: RepeatOptions) {
    this.clock = options.clock ?? systemClock;
    this.record = new RepeatRecord(options.onEntry, this.clock);
    this.captures = new RepeatCaptures(options.scenario.capture?.links ?? [], options.dir, this.record, options.scenario.capture?.filter);
    this.processes = new RepeatProcesses(options.scenario, this.record, options.ctx, options.dir);
    this.apps = new RepeatApps(options.scenario.apps, options.dir, this.record, options.ctx);
  }

  private get scenario(): Scenario {
    return this.options.scenario;
  }

  async deploy(): Promise<StartedLab> {
    await mkdir(this.options.dir, { recursive: true });
    const lab = await new Lab(this.scenario.topology, this.options.ctx).deploy({ reconfigure: true });
    this.lab = lab;
    this.record.note('deployed', this.scenario.topology.name);
    return lab;
  }

  async startServices(lab: StartedLab): Promise<void> {
    this.captures.start(lab, this.options.ctx);
    await this.apps.start(lab);
    await this.processes.startDaemons(lab);
    if (this.scenario.warmup > 0) await new Promise((r) => setTimeout(r, this.scenario.warmup));
    await this.processes.startServers(lab);
    await this.processes.prepareClients(lab);
    await this.awaitStartCondition();
  }

  /** startWhen: polled on the live record (its entries arrive as the daemons print them). */
  private async awaitStartCondition(): Promise<void> {
    const when = this.scenario.startWhen;
    if (!when) return;
    const deadline = this.clock.nowMs() + when.timeout;
    const seen = () => this.record.entries.filter((e) => matches(when.count, e)).length;
    while (seen() < when.min) {
      if (this.clock.nowMs() >= deadline)
        throw new Error(
          `startWhen: ${seen()} of ${when.min} entries matching ${JSON.stringify(when.count)} within ${when.timeout} ms; the clients were not started`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
    this.record.note('start-condition-met', `${when.min} × ${JSON.stringify(when.count)}`);
  }

  async startWorkload(lab: StartedLab): Promise<{ clients: TrackedProcess[]; startedMs: number }> {
    const startedMs = this.clock.nowMs();
    const clients = await this.processes.startClients(lab);
    this.record.note('workload-started', this.scenario.workloads.map(describeWorkload).join('; '));
    return { clients, startedMs };
  }

  /** A restarted node gets its daemons and probe servers back, except at teardown (only the lab is restored then). */
  private nemesisContext(lab: StartedLab): NemesisContext {
    return {
      lab,
      probeServerPattern: PROBE_SERVER_PATTERN,
      restartProbeServer: (node) => this.processes.startServers(lab, node),
      nodeRestarted: async (node) => {
        this.record.note('node-restarted', node);
        if (this.tearingDown) return;
        await this.processes.startDaemons(lab, node);
        await this.processes.startServers(lab, node);
      },
    };
  }

  startSchedule(lab: StartedLab, workloadStartMs: number): Promise<void> {
    const random = seededRandom(this.options.seed);
    const nemesis = this.nemesisContext(lab);
    this.scheduled = this.scenario.schedule.map((spec, i) => ({
      plan: planFault(spec, `${spec.fault}-${i + 1}`, nemesis),
      trigger: triggerOf(spec, random),
    }));
    return runSchedule(this.scheduled, workloadStartMs, {
      established: (w) => this.record.events.establishedCount(w),
      record: (e) => this.record.record(e),
      signal: this.scheduleAbort.signal,
      clock: this.clock,
    }).catch((e: unknown) => this.record.fail(undefined, e));
  }

  async awaitWorkload(clients: readonly TrackedProcess[], schedule: Promise<void>): Promise<void> {
    const limitMs = Math.max(...this.scenario.workloads.map(workloadMs)) + CLIENT_GRACE_MS;
    const deadline = new Promise<'late'>((r) => setTimeout(() => r('late'), limitMs).unref());
    if ((await Promise.race([Promise.all(clients.map((c) => c.done)), deadline])) === 'late') {
      this.record.errors.push(`probe clients did not finish within ${limitMs / 1000} s`);
    }
    this.record.note('workload-stopped');
    this.scheduleAbort.abort();
    await schedule;
  }

  async tearDown(): Promise<void> {
    this.tearingDown = true;
    this.scheduleAbort.abort();
    this.record.errors.push(
      ...(await healAll(
        this.scheduled,
        (e) => this.record.record(e),
        () => this.record.openFaultIds(),
        this.clock,
      )),
    );
    await this.processes.stopAll();
    this.record.errors.push(...(await this.apps.stopAll()));
    await this.captures.finish();
  }

  async destroyLab(): Promise<void> {
    const lab = this.lab;
    this.lab = undefined;
    await lab?.destroy();
  }

  async judge(): Promise<RepeatOutcome> {
    await this.captures.collect();
    this.record.note('collected');
    const history = this.record.history();
    const checks = runCheckers(scenarioCheckers(this.scenario.expect, this.scenario.checks), history).results;
    const outcome: RepeatOutcome = { history, checks, pcaps: this.captures.files };
    const error = this.record.error();
    if (error !== undefined) outcome.error = error;
    if (this.lab) outcome.lab = this.lab;
    return outcome;
  }
}

export const runRepeat = async (options: RepeatOptions): Promise<RepeatOutcome> => {
  const repeat = new Repeat(options);
  try {
    const lab = await repeat.deploy();
    await repeat.startServices(lab);
    const { clients, startedMs } = await repeat.startWorkload(lab);
    await repeat.awaitWorkload(clients, repeat.startSchedule(lab, startedMs));
  } catch (error) {
    repeat.record.fail(undefined, error);
  } finally {
    await repeat.tearDown();
  }
  // The captures are host files by now: the lab goes while tshark reads them.
  const destroyed = options.keepLab === true ? undefined : repeat.destroyLab();
  const outcome = await repeat.judge();
  await destroyed;
  return outcome;
};
