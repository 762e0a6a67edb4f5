// The one place that spawns kernel tools (ip, nsenter, ethtool, nft, ...). Failures become
// KernelCommandError with the tool's stderr, so callers never parse execa errors.
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { systemClock, type Clock } from '../common/clock.js';
import { KernelCommandError } from '../common/errors.js';

export interface RunOptions {
  input?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export const runCommand = async (file: string, args: readonly string[], options: RunOptions = {}): Promise<string> => {
  const result = await execa(file, args, {
    input: options.input,
    cancelSignal: options.signal,
    timeout: options.timeoutMs ?? 30_000,
    reject: false,
    stripFinalNewline: true,
  });
  if (result.failed) throw commandFailed([file, ...args].join(' '), result);
  return String(result.stdout);
};

/** A finished tool that failed, as the error callers see: its command line and what it said. */
const commandFailed = (
  command: string,
  result: { stderr?: string | unknown[]; stdout?: string | unknown[]; shortMessage?: string; exitCode?: number },
): KernelCommandError =>
  new KernelCommandError(command, String(result.stderr || result.stdout || result.shortMessage), result.exitCode, { cause: result });

/** Runs `ip -batch -` with one command per line (in a named netns if given): one process for many link operations. */
export const ipBatch = async (commands: readonly string[], options: RunOptions & { netns?: string } = {}): Promise<void> => {
  if (commands.length === 0) return;
  await runCommand('ip', [...(options.netns ? ['-n', options.netns] : []), '-batch', '-'], {
    ...options,
    input: commands.join('\n') + '\n',
  });
};

/** Pure: whether a /proc/PID/syscall line shows the process blocked in read(2) on its stdin (x86-64 and arm64 numbers). */
export const blockedReadingStdin = (syscallLine: string): boolean => {
  const [nr, fd] = syscallLine.trim().split(' ');
  return (nr === '0' || nr === '63') && fd === '0x0';
};

/** An `ip -batch -` that is already running, blocked on its stdin: `run` has no fork or exec between its clock reading and the first command. */
export interface ArmedIpBatch {
  /** Runs the commands; resolves with the instant (ms since the epoch) read just before they were handed over. */
  run(commands: readonly string[]): Promise<number>;
}

const READY_POLL_MS = 1;
const READY_TIMEOUT_MS = 5000;

/**
 * Starts `ip -n NETNS -batch -` and waits until it sits in read(2) on its stdin (/proc/PID/syscall),
 * so that a fault's recorded instant is the instant its first command runs, not a fork and an
 * exec (1–2 ms here, more under load) earlier or later. Without /proc/PID/syscall it waits a
 * fixed 50 ms instead.
 */
export const armIpBatch = async (netns: string, clock: Clock = systemClock): Promise<ArmedIpBatch> => {
  const child = execa('ip', ['-n', netns, '-batch', '-'], { reject: false, stripFinalNewline: true, timeout: 60_000 });
  const started = clock.monotonicMs();
  for (;;) {
    const line = await readFile(`/proc/${child.pid}/syscall`, 'utf8').catch(() => undefined);
    if (line === undefined) {
      await new Promise((r) => setTimeout(r, 50));
      break;
    }
    if (blockedReadingStdin(line)) break;
    if (clock.monotonicMs() - started > READY_TIMEOUT_MS) {
      child.kill();
      throw new KernelCommandError(`ip -n ${netns} -batch -`, `not waiting for commands after ${READY_TIMEOUT_MS} ms`, undefined);
    }
    await new Promise((r) => setTimeout(r, READY_POLL_MS));
  }
  return {
    async run(commands) {
      const at = clock.nowMs();
      child.stdin?.end(commands.join('\n') + '\n');
      const result = await child;
      if (result.failed) throw commandFailed(`ip -n ${netns} -batch -`, result);
      return at;
    },
  };
};

/** Runs a shell script in the network namespace of process `pid`, with the host's tools. */
export const inNetns = (pid: number, script: string, options: RunOptions = {}): Promise<string> =>
  runCommand('nsenter', ['-t', String(pid), '-n', 'sh', '-ec', script], options);

/** Quotes a word for /bin/sh. */
export const shellQuote = (word: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
