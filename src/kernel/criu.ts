// CRIU (checkpoint/restore in user space) for moving a process with its established TCP
// connections: `criu dump --tcp-established` puts the sockets in repair mode and reads their
// sequence numbers, queues and options, then kills the tree (unless left running): sockets in
// repair mode close without a FIN or a RST, and CRIU's network lock drops what the client sends
// meanwhile. `criu restore --tcp-established` rebuilds them with TCP_REPAIR. Flags and what a
// container needs: docs/migration.md (measured with sid's CRIU 4.2.1 on kernel 6.18).
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { KernelCommandError } from '../common/errors.js';
import { runCommand } from './run-command.js';

export interface CriuOptions {
  command?: string;
  /**
   * CRIU's network lock during a dump and a restore (`--network-lock`): `skip` when the caller
   * locks the connections itself. CRIU's default, iptables, runs a command per connection.
   */
  networkLock?: 'iptables' | 'nftables' | 'skip';
  /** Added to every dump and restore. */
  extraArgs?: readonly string[];
  timeoutMs?: number;
}

/** The last lines of CRIU's own log: its stderr says only "see the log". */
const logTail = async (dir: string, file: string): Promise<string> => {
  try {
    const lines = (await readFile(path.join(dir, file), 'utf8')).trimEnd().split('\n');
    return (
      lines
        .filter((l) => /Error|error|fail|Warn/.test(l))
        .slice(-8)
        .join('\n') || lines.slice(-8).join('\n')
    );
  } catch {
    return '(no log)';
  }
};

const run = async (verb: 'dump' | 'restore', args: string[], dir: string, o: CriuOptions): Promise<string> => {
  const log = `${verb}.log`;
  try {
    return await runCommand(
      o.command ?? 'criu',
      [
        verb,
        '-D',
        dir,
        '-o',
        log,
        '-v2',
        '--tcp-established',
        ...(o.networkLock ? ['--network-lock', o.networkLock] : []),
        ...args,
        ...(o.extraArgs ?? []),
      ],
      {
        timeoutMs: o.timeoutMs ?? 30_000,
      },
    );
  } catch (e) {
    if (e instanceof KernelCommandError)
      throw new KernelCommandError(e.command, `${e.stderr}\n${dir}/${log}:\n${await logTail(dir, log)}`, e.exitCode);
    throw e;
  }
};

/** Checkpoints the tree rooted at `pid` into `dir` (which must exist). */
export const criuDump = async (pid: number, dir: string, leaveRunning: boolean, o: CriuOptions = {}): Promise<void> => {
  await run('dump', ['-t', String(pid), ...(leaveRunning ? ['--leave-running'] : [])], dir, o);
};

/**
 * A failed restore can leave its tree behind, stopped, holding the sockets it did restore (seen
 * when one connection's 4-tuple was still taken): ends it, so that the next try finds them
 * free, and says so in the error.
 */
const withHalfRestoredKilled = async (error: unknown, pidfile: string): Promise<unknown> => {
  const pid = Number((await readFile(pidfile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid < 2 || pid === process.pid) return error;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return error; // already gone
  }
  if (!(error instanceof KernelCommandError)) return error;
  return new KernelCommandError(error.command, `${error.stderr}\n(the half-restored process ${pid} was killed)`, error.exitCode);
};

/** Restores the tree in `dir` detached from CRIU; returns its root pid (the dumped one). */
export const criuRestore = async (dir: string, o: CriuOptions = {}): Promise<number> => {
  const pidfile = path.join(dir, 'restored.pid');
  await rm(pidfile, { force: true });
  try {
    await run('restore', ['-d', '--pidfile', pidfile], dir, o);
  } catch (e) {
    throw await withHalfRestoredKilled(e, pidfile);
  }
  const pid = Number((await readFile(pidfile, 'utf8')).trim());
  if (!Number.isInteger(pid) || pid < 1) throw new Error(`criu restore wrote no pid to ${pidfile}`);
  return pid;
};
