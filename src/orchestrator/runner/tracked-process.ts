// A long-running process in a lab node (probe, daemon) whose stdout JSON lines feed the
// history live, and which can be stopped by its own PID — never by a name that could hit
// someone else's process.
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../../common/errors.js';
import type { StartedLab } from '../../lab/lab.js';
import { shellQuote } from '../../kernel/run-command.js';

export interface TrackedProcess {
  node: string;
  /** Resolves with the exit code when the process ends (also after stop()). */
  done: Promise<number>;
  /** SIGTERM, then SIGKILL after graceMs; resolves when it has ended. */
  stop(graceMs?: number): Promise<void>;
}

export interface LineHandlers {
  /** A stdout line that parsed as a JSON object. */
  json(value: Record<string, unknown>): void;
  /** Any other output line (stdout or stderr). */
  text(line: string, stream: 'stdout' | 'stderr'): void;
}

const splitLines = (stream: NodeJS.ReadableStream, onLine: (line: string) => void): void => {
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString('utf8');
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine(line);
  });
  stream.on('end', () => {
    if (rest.trim() !== '') onLine(rest);
  });
};

/**
 * Signals the process's whole process group: a command the runner gets as shell text (a daemon's
 * `sh -c "node …"`) keeps its shell as the tracked PID, and dash, waiting for its foreground
 * child, dies of the signal alone, leaving the daemon running without ever having been told (no
 * release, no 'stopped' event) while the engine holds the exec's stream open until its own IO
 * timeout. An exec'd command leads its own session and group, so the group is the command and
 * whatever it started in the foreground. procps' kill takes a group (dash's builtin cannot parse
 * `-- -PGID`); without it, or for a PID that leads no group, only the PID is signalled.
 */
const signalScript = (pidFile: string, sig: string): string =>
  `test -f ${pidFile} || exit 0; p=$(cat ${pidFile}); /bin/kill -${sig} -- -$p 2>/dev/null || kill -${sig} $p 2>/dev/null; true`;

export const startTracked = async (lab: StartedLab, node: string, argv: string[], handlers: LineHandlers): Promise<TrackedProcess> => {
  const pidFile = `/tmp/fl-proc-${randomBytes(5).toString('hex')}.pid`;
  const stream = await lab.execStream(node, ['sh', '-c', `echo $$ > ${pidFile}; exec ${argv.map(shellQuote).join(' ')}`]);
  splitLines(stream.stdout, (line) => {
    if (line.startsWith('{')) {
      try {
        const value: unknown = JSON.parse(line);
        if (value && typeof value === 'object' && !Array.isArray(value)) return handlers.json(value as Record<string, unknown>);
      } catch {
        // not JSON after all: passed on as text below
      }
    }
    handlers.text(line, 'stdout');
  });
  splitLines(stream.stderr, (line) => handlers.text(line, 'stderr'));
  const signal = (sig: string) => lab.exec(node, ['sh', '-c', signalScript(pidFile, sig)]).catch(() => undefined);
  let ended = false;
  const done = stream.done.finally(() => {
    ended = true;
  });
  // Servers and daemons are awaited only by stop(): a broken exec stream before that was an
  // unhandled rejection that ended the whole run. It goes to the process's log; done still rejects.
  void done.catch((e: unknown) => handlers.text(`exec stream failed: ${errorMessage(e)}`, 'stderr'));
  return {
    node,
    done,
    async stop(graceMs = 3000) {
      if (ended) return;
      await signal('TERM');
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
      if ((await Promise.race([done.then(() => 'done' as const), timer])) === 'timeout') {
        await signal('KILL');
        await Promise.race([done, new Promise((r) => setTimeout(r, 1000).unref())]);
      }
    },
  };
};
