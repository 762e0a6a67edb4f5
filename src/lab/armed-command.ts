// A command made ready in a node ahead of its time, then released from the host in
// microseconds. Starting a command in a container costs the engine an exec (dockerd,
// containerd, runc: 100–400 ms of CPU on a loaded 2-core host); done at the fault's time, that
// cost landed inside the window a scenario measures and stalled the very streams it watched
// (200 echo streams 50–80 ms before a switch request had even left the node), and the fault's
// date was the launch, not the command's start. Armed, the exec happens early: a shell in the
// node blocks opening a FIFO, and the host releases it by writing a line to that FIFO through
// /proc/<pid>/root — no process is started at the fault's time but the command itself.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { systemClock, type Clock } from '../common/clock.js';
import { LabError } from '../common/errors.js';
import { shellQuote } from '../kernel/run-command.js';
import type { StartedLab } from './lab.js';

const READY = 'armed';
const GO = 'go';
const ARM_TIMEOUT_MS = 15_000;

/** Pure: the node's side. It says it is ready, waits for one line, and runs `run` only on `go`. */
export const armedScript = (fifo: string, run: string): string =>
  [
    `mkfifo ${fifo}`,
    `echo ${READY}`,
    `read line < ${fifo}`,
    `rm -f ${fifo}`,
    `[ "$line" = ${GO} ] || exit 0`,
    `exec sh -ec ${shellQuote(run)}`,
  ].join('; ');

export interface Released {
  /** Wall-clock ms when the command was let go. */
  at: number;
  /** Resolves when the command exits 0; rejects with its output otherwise. */
  done: Promise<void>;
}

export interface ArmedCommand {
  /** Lets the command run. Throws when the node's waiting shell is gone (the node restarted). */
  release(): Released;
  /** Ends the waiting shell without running the command (best effort). */
  cancel(): void;
}

/** Writes one line to the node's FIFO; throws (ENXIO) unless the shell is there to read it. */
const writeLine = (path: string, line: string): void => {
  // Non-blocking: a FIFO nobody reads is an error at once, not a runner stuck in open().
  const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    writeSync(fd, `${line}\n`);
  } finally {
    closeSync(fd);
  }
};

export const armCommand = async (lab: StartedLab, node: string, run: string, clock: Clock = systemClock): Promise<ArmedCommand> => {
  const pid = await lab.pid(node);
  const fifo = `/tmp/failover-lab-go-${randomBytes(4).toString('hex')}`;
  const onHost = `/proc/${pid}/root${fifo}`;
  const stream = await lab.execStream(node, ['sh', '-c', armedScript(fifo, run)]);
  let stdout = '';
  let stderr = '';
  stream.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new LabError(`node '${node}': the armed command did not get ready in ${ARM_TIMEOUT_MS} ms`)),
      ARM_TIMEOUT_MS,
    );
    stream.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (stdout.startsWith(`${READY}\n`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void stream.done.then((code) => {
      clearTimeout(timer);
      reject(new LabError(`node '${node}': the armed command's shell ended (${code}) before it was ready: ${stderr.trim()}`));
    });
  });
  await ready;
  const exited = stream.done;
  return {
    release() {
      const at = clock.nowMs();
      writeLine(onHost, GO);
      const done = exited.then((code) => {
        if (code !== 0) {
          const output = (stderr || stdout.slice(READY.length + 1)).trim();
          throw new LabError(`node '${node}': \`${run}\` exited ${code}: ${output}`);
        }
      });
      return { at, done };
    },
    cancel() {
      try {
        writeLine(onHost, 'skip');
      } catch {
        // The shell is already gone (its node restarted or was removed): nothing waits.
      }
    },
  };
};

/**
 * Lets `armed` go, or runs `plain` the ordinary way when it was never armed (arming failed) or
 * its waiting shell is gone (the node restarted since): when the command started, and its end.
 */
export const releaseOrRun = async (
  armed: Promise<ArmedCommand | undefined> | undefined,
  plain: () => Promise<unknown>,
  clock: Clock = systemClock,
): Promise<Released> => {
  const ready = await armed;
  try {
    const released = ready?.release();
    if (released) return released;
  } catch {
    // The waiting shell is gone: the plain way below.
  }
  const at = clock.nowMs();
  return { at, done: plain().then(() => undefined) };
};
