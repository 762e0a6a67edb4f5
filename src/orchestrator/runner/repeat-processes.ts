// The processes of a repeat inside the lab: daemons, probe servers and probe clients, each
// tracked by PID so that teardown stops exactly what it started (stopFirst daemons first).
import { errorMessage } from '../../common/errors.js';
import { pollUntil } from '../../common/poll.js';
import type { LabContext } from '../../lab/lab-context.js';
import type { StartedLab } from '../../lab/lab.js';
import type { CommandWorkload, Scenario } from '../scenario/parse-scenario.js';
import { awaitClient, CommandRun, requireProgram } from './command-workload.js';
import { clientArgv, realtimeClientNodes, serverArgv, serverInstances, type ServerInstance } from './probe-commands.js';
import type { RepeatRecord } from './repeat-record.js';
import { authorizeClient, prepareSshd, sshClientArgv, sshdArgv, sshdInstances } from './ssh-commands.js';
import { startTracked, type TrackedProcess } from './tracked-process.js';

const waitListening = (lab: StartedLab, s: Pick<ServerInstance, 'node' | 'listen'>, what = 'the probe server'): Promise<void> => {
  const port = s.listen.split(':').pop();
  return pollUntil(
    `${what} on ${s.node} to listen on ${s.listen}`,
    async () => {
      const r = await lab.exec(s.node, ['ss', '-Hltn', `sport = :${port}`]);
      return r.exitCode === 0 && r.stdout.trim() !== '';
    },
    { timeoutMs: 10_000 },
  );
};

export class RepeatProcesses {
  private readonly all: TrackedProcess[] = [];
  private readonly stopFirst = new Set<TrackedProcess>();
  private readonly commandServers: CommandRun[] = [];

  constructor(
    private readonly scenario: Scenario,
    private readonly record: RepeatRecord,
    private readonly ctx: LabContext,
    /** The repeat's folder: command outputs land here. */
    private readonly dir: string,
  ) {}

  /**
   * The server commands of `command` workloads, at the first start only (a restarted node does
   * not get them back: a one-shot server such as `iperf3 -s -1` has no second run to serve).
   * Both commands' programs are looked up first, so a misspelt one fails before anything runs.
   */
  private async startCommandServers(lab: StartedLab): Promise<void> {
    await Promise.all(
      this.scenario.workloads.map(async (w, i) => {
        if (w.kind !== 'command') return;
        const where = `${this.scenario.file}: workloads[${i}] (${w.name})`;
        await requireProgram(lab, w.client.node, w.client.run, `${where} client.run`);
        if (!w.server) return;
        await requireProgram(lab, w.server.node, w.server.run, `${where} server.run`);
        const run = new CommandRun(w, 'server', w.server.node, w.server.run);
        this.commandServers.push(run);
        this.all.push(await run.start(lab));
        if (w.server.ready) await run.waitReady(lab, w.server.ready.port, w.server.ready.timeout);
      }),
    );
  }

  private log(node: string) {
    return (line: string, stream: 'stdout' | 'stderr') => this.ctx.logger.debug(`${node} ${stream}: ${line}`);
  }

  /**
   * The daemons of every node (or of one restarted node), all at once as machines booting together
   * would: one after the other, a loaded engine's exec latency (100–400 ms each) staggers them past
   * their election's start-up wait. Heartbeat daemons may run at realtime priority (arp-ha's
   * realtimePriority, keepalived's max_auto_priority): otherwise a node's burst of work (probe
   * servers starting) or the engine's own left their event loops runnable but off the CPU for
   * 100–740 ms. A restarted container starts without it, so it is given each time its daemons start.
   * The nodes of `realtime` probe clients share the budget too (they start later, on these nodes).
   */
  async startDaemons(lab: StartedLab, node?: string): Promise<void> {
    const daemonNodes = this.scenario.daemons.map((d) => d.node);
    const realtimeNodes = [...new Set([...daemonNodes, ...realtimeClientNodes(this.scenario.workloads)])];
    const budgeted = realtimeNodes.filter((n) => node === undefined || n === node);
    await lab
      .giveRealtimeBudget(budgeted, realtimeNodes.length)
      .catch((e: unknown) =>
        this.record.note(
          'warning',
          `daemons and realtime clients on ${budgeted.join(', ')} run without realtime scheduling: ${errorMessage(e)}`,
        ),
      );
    const started = await Promise.all(
      this.scenario.daemons
        .filter((d) => node === undefined || d.node === node)
        .map(async (d) => {
          const p = await startTracked(lab, d.node, ['sh', '-c', d.command], {
            json: (v) => this.record.events.daemonLine(v, d.node, d.name),
            text: this.log(d.node),
          });
          if (d.stopFirst) this.stopFirst.add(p);
          return p;
        }),
    );
    this.all.push(...started);
  }

  /** The probe servers and sshds (of one node, after a restart), in parallel: a server with a start delay must not delay the others. */
  async startServers(lab: StartedLab, node?: string): Promise<void> {
    await Promise.all([
      ...(node === undefined ? [this.startCommandServers(lab)] : []),
      ...sshdInstances(this.scenario.workloads)
        .filter((s) => node === undefined || s.node === node)
        .map(async (s) => {
          await prepareSshd(lab, s);
          this.all.push(await startTracked(lab, s.node, sshdArgv(s), { json: () => undefined, text: this.log(s.node) }));
          await waitListening(lab, s, 'sshd');
        }),
      ...serverInstances(this.scenario.workloads)
        .filter((s) => node === undefined || s.node === node)
        .map(async (s) => {
          this.all.push(
            await startTracked(lab, s.node, serverArgv(s), {
              json: (v) => this.record.events.probeLine(v, s.node, 'server'),
              text: this.log(s.node),
            }),
          );
          await waitListening(lab, s);
        }),
    ]);
  }

  /** What clients need before the workload's clock starts: SSH key pairs, authorised on the servers. */
  async prepareClients(lab: StartedLab): Promise<void> {
    for (const w of this.scenario.workloads) if (w.kind === 'ssh') await authorizeClient(lab, w);
  }

  async startClients(lab: StartedLab): Promise<TrackedProcess[]> {
    const clients = await Promise.all(
      this.scenario.workloads.flatMap((w, i) => {
        if (w.kind === 'command') return [this.startCommandClient(lab, w)];
        const argv = w.kind === 'probe' ? clientArgv(w, i) : w.kind === 'ssh' ? sshClientArgv(w, i) : undefined;
        if (argv === undefined) return [];
        return [
          startTracked(lab, w.client.node, argv, {
            json: (v) => this.record.events.probeLine(v, w.client.node, w.name),
            text: this.log(w.client.node),
          }),
        ];
      }),
    );
    this.all.push(...clients);
    return clients;
  }

  private async startCommandClient(lab: StartedLab, w: CommandWorkload): Promise<TrackedProcess> {
    const run = new CommandRun(w, 'client', w.client.node, w.client.run);
    const p = await run.start(lab);
    this.all.push(p);
    return awaitClient(run, p, w.timeout, this.record, this.dir);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.stopFirst].map((p) => p.stop()));
    await Promise.all(this.all.map((p) => p.stop()));
    for (const run of this.commandServers) await run.finish(await run.process?.done.catch(() => undefined), this.record, this.dir);
  }
}
