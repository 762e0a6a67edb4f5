// The optional application check: a TCP connect, a file's content or a command, every
// intervalMs; `failures` consecutive failures make the node ineligible (it demotes), one success
// makes it eligible. Prefer the file check for kernel state (a link's carrier): a command is a
// process spawn, and Node's spawn blocks the event loop until the child has exec'd — on a busy
// node that was 100–250 ms, long enough to miss heartbeats.
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { runCommand } from '../../kernel/run-command.js';
import { splitHostPort } from '../../common/host-port.js';

export type CheckSpec =
  | { tcp: string; intervalMs: number; timeoutMs: number; failures: number }
  | { command: string; intervalMs: number; timeoutMs: number; failures: number }
  | { file: string; equals: string; intervalMs: number; failures: number };

const tcpCheck = (target: string, timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ ...splitHostPort(target), timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });

export const runCheckOnce = (spec: CheckSpec): Promise<boolean> => {
  if ('tcp' in spec) return tcpCheck(spec.tcp, spec.timeoutMs);
  if ('file' in spec)
    return readFile(spec.file, 'utf8').then(
      (text) => text.trim() === spec.equals,
      () => false,
    );
  return runCommand('sh', ['-c', spec.command], { timeoutMs: spec.timeoutMs }).then(
    () => true,
    () => false,
  );
};

/** Calls onChange(healthy) when the verdict flips; returns a stop function. */
export const watchCheck = (spec: CheckSpec, onChange: (healthy: boolean) => void): (() => void) => {
  let failures = 0;
  let healthy = true;
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const ok = await runCheckOnce(spec);
      failures = ok ? 0 : failures + 1;
      const verdict = ok || failures < spec.failures;
      if (verdict !== healthy) {
        healthy = verdict;
        onChange(healthy);
      }
      await new Promise((r) => setTimeout(r, spec.intervalMs));
    }
  };
  // Not awaited: runs until stopped. runCheckOnce never rejects; a throwing onChange ends the
  // daemon as an unhandled rejection, which beats a check that silently stopped checking.
  void loop();
  return () => {
    stopped = true;
  };
};
