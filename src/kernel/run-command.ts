// The one place that spawns kernel tools (ip, nsenter, ethtool, nft, ...). Failures become
// KernelCommandError with the tool's stderr, so callers never parse a child process's errors.
// node:child_process rather than execa (which the host-side tools keep, docs/libraries.md):
// every daemon imports this module, and on the image's node 18 importing execa cost a daemon's
// start 150-200 ms (measured in a lab node), which a restarting redirector's table 111 waits for.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { systemClock, type Clock } from '../common/clock.js';
import { errorMessage, KernelCommandError } from '../common/errors.js';

export interface RunOptions {
  input?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

interface Spawned {
  pid: number | undefined;
  /** Open until the caller ends it (runCommand ends it at once, with `input`). */
  stdin: Writable;
  /** stdout without its final newline once the tool exits 0; else a KernelCommandError with what it said. */
  done: Promise<string>;
  kill(): void;
}

/** Pure: the one trailing newline a tool ends its output with. */
export const stripFinalNewline = (text: string): string =>
  text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;

const spawnTool = (file: string, args: readonly string[], options: Omit<RunOptions, 'input'> = {}): Spawned => {
  const command = [file, ...args].join(' ');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawn(file, args, { stdio: 'pipe', timeout: timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  // A tool may exit before it read all its input; its exit status says what happened, not EPIPE.
  child.stdin.on('error', () => undefined);
  const done = new Promise<string>((resolve, reject) => {
    // Not started (no such tool) or cancelled: 'error' comes first, then maybe 'close'; the first settles it.
    child.once('error', (e) => reject(new KernelCommandError(command, errorMessage(e), undefined, { cause: e })));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(stripFinalNewline(stdout));
      const ended = signal ? `ended by ${signal}${signal === 'SIGTERM' ? ` (after its ${timeoutMs} ms, or stopped)` : ''}` : 'no output';
      reject(new KernelCommandError(command, stderr || stdout || ended, code ?? undefined));
    });
  });
  // An armed batch may be dropped unrun: its end must not become an unhandled rejection.
  done.catch(() => undefined);
  return { pid: child.pid, stdin: child.stdin, done, kill: () => void child.kill() };
};

export const runCommand = (file: string, args: readonly string[], options: RunOptions = {}): Promise<string> => {
  const { input, ...rest } = options;
  const tool = spawnTool(file, args, rest);
  tool.stdin.end(input ?? '');
  return tool.done;
};

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
  const child = spawnTool('ip', ['-n', netns, '-batch', '-'], { timeoutMs: 60_000 });
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
      child.stdin.end(commands.join('\n') + '\n');
      await child.done;
      return at;
    },
  };
};

/** Runs a shell script in the network namespace of process `pid`, with the host's tools. */
export const inNetns = (pid: number, script: string, options: RunOptions = {}): Promise<string> =>
  runCommand('nsenter', ['-t', String(pid), '-n', 'sh', '-ec', script], options);

/** Quotes a word for /bin/sh. */
export const shellQuote = (word: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
