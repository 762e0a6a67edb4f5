// A `command` workload in the lab: an optional server command started with the other servers
// (ready once its port listens, within a bounded wait), and a client command started with the
// workload. Each runs under `sh -c` as a tracked process (stopped by its own PID); its output
// is kept whole in the repeat's folder and its end recorded in the history as a daemon entry
// (command-check.ts judges it): exit status, duration, and the tail of stdout and stderr.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { systemClock } from '../../common/clock.js';
import { errorMessage } from '../../common/errors.js';
import { pollUntil } from '../../common/poll.js';
import type { StartedLab } from '../../lab/lab.js';
import { COMMAND_EXIT_EVENT } from '../checker/command-check.js';
import type { CommandWorkload } from '../scenario/parse-scenario.js';
import type { RepeatRecord } from './repeat-record.js';
import { startTracked, type TrackedProcess } from './tracked-process.js';

/** Characters of each output kept in the history (the end of it: where results are printed). */
export const COMMAND_OUTPUT_KEPT = 16_000;
/** Characters of each output kept at all (in the run folder). */
const COMMAND_OUTPUT_MAX = 4_000_000;

export type CommandRole = 'client' | 'server';

/** The program a command line runs, when it starts with a plain word (no shell syntax to see through). */
export const programOf = (run: string): string | undefined => {
  const words = run.trim().split(/\s+/);
  // `exec prog …` runs prog (in place of the shell, so stopping it stops prog).
  const first = (words[0] === 'exec' ? words[1] : words[0]) ?? '';
  return /^[A-Za-z0-9_./+-]+$/.test(first) && !first.includes('=') ? first : undefined;
};

/** Refuses a command whose program the node does not have, before anything runs. */
export const requireProgram = async (lab: StartedLab, node: string, run: string, where: string): Promise<void> => {
  const program = programOf(run);
  if (program === undefined) return;
  const r = await lab.exec(node, ['sh', '-c', 'command -v "$0"', program]);
  if (r.exitCode !== 0) throw new Error(`${where}: command '${program}' does not exist on node ${node} (in: ${run})`);
};

const tail = (text: string): string => (text.length <= COMMAND_OUTPUT_KEPT ? text : `…${text.slice(-COMMAND_OUTPUT_KEPT)}`);

/** One command run: its output collected, its end recorded once. */
export class CommandRun {
  private out = '';
  private err = '';
  private readonly started = systemClock.monotonicMs();
  private recorded = false;
  timedOut = false;
  process: TrackedProcess | undefined;

  constructor(
    private readonly w: CommandWorkload,
    readonly role: CommandRole,
    readonly node: string,
    private readonly run: string,
  ) {}

  async start(lab: StartedLab): Promise<TrackedProcess> {
    const add = (line: string, stream: 'stdout' | 'stderr') => {
      if (stream === 'stdout' && this.out.length < COMMAND_OUTPUT_MAX) this.out += `${line}\n`;
      if (stream === 'stderr' && this.err.length < COMMAND_OUTPUT_MAX) this.err += `${line}\n`;
    };
    this.process = await startTracked(lab, this.node, ['sh', '-c', this.run], {
      json: (v) => add(JSON.stringify(v), 'stdout'),
      text: add,
    });
    return this.process;
  }

  /** Ready once something listens on `port` in the node; fails early if the command already ended. */
  async waitReady(lab: StartedLab, port: number, timeoutMs: number): Promise<void> {
    let ended: number | undefined;
    void this.process?.done.then((code) => (ended = code)).catch(() => undefined);
    await pollUntil(
      `the server command of workload '${this.w.name}' on ${this.node} to listen on port ${port}`,
      async () => {
        if (ended !== undefined)
          throw new Error(
            `the server command of workload '${this.w.name}' ended (exit status ${ended}) before listening on port ${port}: ${this.err.trim().slice(-300)}`,
          );
        const r = await lab.exec(this.node, ['ss', '-Hltn', `sport = :${port}`]);
        return r.exitCode === 0 && r.stdout.trim() !== '';
      },
      { timeoutMs },
    );
  }

  /** Writes the whole output to the repeat's folder and the end into the history (once). */
  async finish(exitCode: number | undefined, record: RepeatRecord, dir: string): Promise<void> {
    if (this.recorded) return;
    this.recorded = true;
    const base = `command-${this.w.name}-${this.role}`;
    await writeFile(path.join(dir, `${base}.stdout`), this.out).catch(() => undefined);
    await writeFile(path.join(dir, `${base}.stderr`), this.err).catch(() => undefined);
    record.record({
      t: systemClock.nowMs(),
      kind: 'daemon',
      node: this.node,
      daemon: this.w.name,
      event: COMMAND_EXIT_EVENT,
      data: {
        role: this.role,
        command: this.run,
        exitCode: exitCode ?? null,
        timedOut: this.timedOut,
        durationMs: Math.round(systemClock.monotonicMs() - this.started),
        stdout: tail(this.out),
        stderr: tail(this.err),
        outputFiles: [`${base}.stdout`, `${base}.stderr`],
      },
    });
  }
}

/** The client's process as the repeat awaits it: ends by itself, or is stopped at the workload's timeout. */
export const awaitClient = (run: CommandRun, p: TrackedProcess, timeoutMs: number, record: RepeatRecord, dir: string): TrackedProcess => {
  const done = (async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), timeoutMs)));
    const first = await Promise.race([p.done.catch((e: unknown) => (record.note('warning', errorMessage(e)), -1)), late]);
    clearTimeout(timer);
    let code: number | undefined = typeof first === 'number' ? first : undefined;
    if (first === 'late') {
      run.timedOut = true;
      await p.stop();
      code = await p.done.catch(() => undefined);
    }
    await run.finish(code, record, dir);
    return code ?? -1;
  })();
  return { node: p.node, done, stop: (graceMs) => p.stop(graceMs) };
};
