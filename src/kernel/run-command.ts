// The one place that spawns kernel tools (ip, nsenter, ethtool, nft, ...). Failures become
// KernelCommandError with the tool's stderr, so callers never parse execa errors.
import { execa } from 'execa';
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
  if (result.failed) {
    const command = [file, ...args].join(' ');
    const stderr = String(result.stderr || result.stdout || result.shortMessage);
    throw new KernelCommandError(command, stderr, result.exitCode, { cause: result });
  }
  return String(result.stdout);
};

/** Runs `ip -batch -` with one command per line (in a named netns if given): one process for many link operations. */
export const ipBatch = async (commands: readonly string[], options: RunOptions & { netns?: string } = {}): Promise<void> => {
  if (commands.length === 0) return;
  await runCommand('ip', [...(options.netns ? ['-n', options.netns] : []), '-batch', '-'], {
    ...options,
    input: commands.join('\n') + '\n',
  });
};

/** Runs a shell script in the network namespace of process `pid`, with the host's tools. */
export const inNetns = (pid: number, script: string, options: RunOptions = {}): Promise<string> =>
  runCommand('nsenter', ['-t', String(pid), '-n', 'sh', '-ec', script], options);

/** Quotes a word for /bin/sh. */
export const shellQuote = (word: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
