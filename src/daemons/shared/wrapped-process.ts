// A baseline daemon (keepalived, HAProxy) run the way the lab runs its own daemons: in the
// foreground as a child, every line it writes on stdout or stderr handed to a pure parser of
// the caller's, SIGTERM and SIGINT passed on, and its exit as the 'stopped' event and our own
// exit code, so the orchestrator stops and judges it like any daemon.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { EmitEvent } from './event-log.js';

export const runWrapped = async (
  command: string,
  args: readonly string[],
  emit: EmitEvent,
  onLine: (line: string) => void,
): Promise<never> => {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const started = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`cannot start ${command}: ${error.message}`, { cause: error })));
  });
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const exited = new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  await started;
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const code = await exited;
  emit('stopped', { code });
  process.exit(code);
};
