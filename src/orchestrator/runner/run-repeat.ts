// One repeat of a scenario, in Jepsen's nesting: lab → captures → daemons → probe servers →
// probe clients + fault schedule; then, whatever happened, heal every fault, stop every
// process, finish captures — and judge the merged history. The lab is destroyed by the caller
// (it may be kept with --keep).
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../common/errors.js';
import { pollUntil } from '../../common/poll.js';
import { capture } from '../../lab/capture.js';
import type { LabContext } from '../../lab/lab-context.js';
import { Lab, type StartedLab } from '../../lab/lab.js';
import { runCheckers } from '../checker/checker.js';
import { checksFromConfig } from '../checker/checks-from-config.js';
import type { FaultEntry, HistoryEntry, RunHistory } from '../history/history-types.js';
import { mergeHistory } from '../history/merge-history.js';
import { arpEntriesFromPcap } from '../packets/packet-entries.js';
import { planFault } from '../nemesis/fault-plan.js';
import type { NemesisContext } from '../nemesis/nemesis.js';
import type { CheckResult } from '../report/report-types.js';
import type { Scenario } from '../scenario/parse-scenario.js';
import { healAll, runSchedule, type ScheduledFault, type Trigger } from './fault-schedule.js';
import { clientArgv, PROBE_SERVER_PATTERN, serverArgv, serverInstances, type ServerInstance } from './probe-commands.js';
import { seededRandom } from './seeded-random.js';
import { startTracked, type TrackedProcess } from './tracked-process.js';
import { WorkloadEvents } from './workload-events.js';

export interface RepeatOptions {
  scenario: Scenario;
  index: number;
  seed: number;
  /** The repeat's folder (pcaps land here). */
  dir: string;
  ctx: LabContext;
  /** Called with every history entry as it happens (live progress). */
  onEntry?: (entry: HistoryEntry) => void;
}

export interface RepeatOutcome {
  history: RunHistory;
  checks: CheckResult[];
  /** pcap files written, relative to `dir`. */
  pcaps: string[];
  error?: string;
  lab?: StartedLab;
}

const waitListening = (lab: StartedLab, s: ServerInstance): Promise<void> => {
  const port = s.listen.split(':').pop();
  return pollUntil(`the probe server on ${s.node} to listen on ${s.listen}`, async () => {
    const r = await lab.exec(s.node, ['ss', '-Hltn', `sport = :${port}`]);
    return r.exitCode === 0 && r.stdout.trim() !== '';
  }, { timeoutMs: 10_000 });
};

const triggerOf = (spec: Scenario['schedule'][number], random: () => number): Trigger => {
  if (spec.when) return { streamsEstablished: spec.when.streamsEstablished, ...(spec.when.workload ? { workload: spec.when.workload } : {}) };
  const at = spec.at ?? 0;
  return { atMs: Array.isArray(at) ? at[0] + random() * (at[1] - at[0]) : at };
};

export const runRepeat = async (options: RepeatOptions): Promise<RepeatOutcome> => {
  const { scenario, ctx, dir } = options;
  const lists: HistoryEntry[] = [];
  const openFaults = new Set<string>();
  const record = (entry: HistoryEntry) => {
    lists.push(entry);
    if (entry.kind === 'fault') entry.phase === 'start' ? openFaults.add(entry.id) : openFaults.delete(entry.id);
    options.onEntry?.(entry);
  };
  const runnerEntry = (event: string, detail?: string) => record({ t: Date.now(), kind: 'runner', event, ...(detail ? { detail } : {}) });
  const events = new WorkloadEvents(record, (line) => runnerEntry('warning', line));
  const errors: string[] = [];
  const processes: TrackedProcess[] = [];
  /** Daemons marked stopFirst: stopped before everything else at teardown. */
  const stopFirst = new Set<TrackedProcess>();
  const captureAbort = new AbortController();
  const captures: Promise<unknown>[] = [];
  const pcaps: string[] = [];
  const scheduleAbort = new AbortController();
  let scheduled: ScheduledFault[] = [];
  let lab: StartedLab | undefined;
  let tearingDown = false;
  const startMs = Date.now();
  const log = (node: string) => (line: string, stream: 'stdout' | 'stderr') => ctx.logger.debug(`${node} ${stream}: ${line}`);

  const startServer = async (s: ServerInstance) => {
    processes.push(await startTracked(lab!, s.node, serverArgv(s), {
      json: (v) => events.probeLine(v, s.node, 'server'),
      text: log(s.node),
    }));
    await waitListening(lab!, s);
  };

  try {
    await mkdir(dir, { recursive: true });
    lab = await new Lab(scenario.topology, ctx).deploy({ reconfigure: true });
    runnerEntry('deployed', scenario.topology.name);
    for (const link of scenario.capture?.links ?? []) {
      const [node, iface] = link.split(':') as [string, string];
      const file = `${node}-${iface}.pcap`;
      pcaps.push(file);
      captures.push(capture(lab.containerOf(node), iface, { out: path.join(dir, file) }, { ...ctx, signal: captureAbort.signal }).catch((e: unknown) => errors.push(`capture ${link}: ${errorMessage(e)}`)));
    }
    // All at once, as machines booting together would: one after the other, a loaded engine's
    // exec latency (100–400 ms each) staggers them past their election's start-up wait.
    // Heartbeat daemons may run at realtime priority (arp-ha's realtimePriority, keepalived's
    // max_auto_priority): otherwise a node's burst of work (probe servers starting) or the
    // engine's own left their event loops runnable but off the CPU for 100–740 ms. A restarted
    // container starts without it, so it is given each time its daemons start.
    const daemonNodes = [...new Set(scenario.daemons.map((d) => d.node))];
    const startDaemons = async (nodes?: string) => {
      const budgeted = daemonNodes.filter((n) => nodes === undefined || n === nodes);
      await lab!.giveRealtimeBudget(budgeted, daemonNodes.length).catch((e: unknown) =>
        runnerEntry('warning', `daemons on ${budgeted.join(', ')} run without realtime scheduling: ${errorMessage(e)}`));
      const started = await Promise.all(scenario.daemons.filter((x) => nodes === undefined || x.node === nodes)
        .map(async (d) => {
          const p = await startTracked(lab!, d.node, ['sh', '-c', d.command], { json: (v) => events.daemonLine(v, d.node, d.name), text: log(d.node) });
          if (d.stopFirst) stopFirst.add(p);
          return p;
        }));
      processes.push(...started);
    };
    await startDaemons();
    if (scenario.warmup > 0) await new Promise((r) => setTimeout(r, scenario.warmup));
    // In parallel: a server with a start delay must not delay the others.
    await Promise.all(serverInstances(scenario.workloads).map(startServer));

    const workloadStart = Date.now();
    const clients = await Promise.all(scenario.workloads.map((w, i) =>
      startTracked(lab!, w.client.node, clientArgv(w, i), { json: (v) => events.probeLine(v, w.client.node, w.name), text: log(w.client.node) })));
    processes.push(...clients);
    runnerEntry('workload-started', scenario.workloads.map((w) => `${w.name}: ${w.streams} × ${w.direction}`).join('; '));

    const startServersOn = async (node: string) => {
      await Promise.all(serverInstances(scenario.workloads).filter((i) => i.node === node).map(startServer));
    };
    const nemesisCtx: NemesisContext = {
      lab,
      probeServerPattern: PROBE_SERVER_PATTERN,
      restartProbeServer: startServersOn,
      nodeRestarted: async (node) => {
        runnerEntry('node-restarted', node);
        // At teardown a restart only restores the lab; nothing is measured any more.
        if (tearingDown) return;
        await startDaemons(node);
        await startServersOn(node);
      },
    };
    const random = seededRandom(options.seed);
    scheduled = scenario.schedule.map((spec, i) => ({ plan: planFault(spec, `${spec.fault}-${i + 1}`, nemesisCtx), trigger: triggerOf(spec, random) }));
    const schedule = runSchedule(scheduled, workloadStart, {
      established: (w) => events.establishedCount(w),
      record: (e) => record(e),
      signal: scheduleAbort.signal,
    }).catch((e: unknown) => errors.push(errorMessage(e)));

    const longest = Math.max(...scenario.workloads.map((w) => w.duration));
    const deadline = new Promise<'late'>((r) => setTimeout(() => r('late'), longest + 30_000).unref());
    if ((await Promise.race([Promise.all(clients.map((c) => c.done)), deadline])) === 'late') {
      errors.push(`probe clients did not finish within ${(longest + 30_000) / 1000} s`);
    }
    runnerEntry('workload-stopped');
    scheduleAbort.abort();
    await schedule;
  } catch (error) {
    errors.push(errorMessage(error));
  } finally {
    tearingDown = true;
    scheduleAbort.abort();
    errors.push(...await healAll(scheduled, (e: FaultEntry) => record(e), () => [...openFaults]));
    await Promise.all([...stopFirst].map((p) => p.stop()));
    await Promise.all(processes.map((p) => p.stop()));
    captureAbort.abort();
    await Promise.all(captures);
  }
  // ARP frames from the captures join the history (ARP checks judge them); other frames do not.
  for (const link of scenario.capture?.links ?? []) {
    const [node, iface] = link.split(':') as [string, string];
    const file = path.join(dir, `${node}-${iface}.pcap`);
    lists.push(...await arpEntriesFromPcap(file, node, iface).catch((e: unknown) => {
      errors.push(`reading ${file}: ${errorMessage(e)}`);
      return [];
    }));
  }
  runnerEntry('collected');
  const history = mergeHistory({ entries: [lists], streams: events.summaries, startMs, endMs: Date.now() });
  const checks = runCheckers(checksFromConfig(scenario.checks), history).results;
  const outcome: RepeatOutcome = { history, checks, pcaps };
  if (errors.length > 0) outcome.error = errors.join('; ');
  if (lab) outcome.lab = lab;
  return outcome;
};

/** Deletes the pcaps of a repeat (kept only on failure unless asked). */
export const dropPcaps = async (dir: string, pcaps: string[]): Promise<void> => {
  await Promise.all(pcaps.map((p) => rm(path.join(dir, p), { force: true })));
};
