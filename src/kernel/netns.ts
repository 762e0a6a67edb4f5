// A socket of another network namespace (a lab node's), made from this process without
// starting one in the node: the calling thread enters the namespace, creates the socket and
// comes back before anything else runs on it (all of it synchronous). A socket stays in the
// namespace it was created in, so the node's kernel state (its nftables) can then be changed
// from here in microseconds — and in several nodes back to back, where an exec per node (tens
// of milliseconds each on a busy host) would change them one after the other.
import { closeSync, openSync } from 'node:fs';
import { TestbedError } from '../common/errors.js';
import { libc } from './libc.js';

const CLONE_NEWNET = 0x40000000;

export class NetnsError extends TestbedError {
  constructor(message: string) {
    super('NETNS', message);
  }
}

/** Runs `create` inside the network namespace of process `pid` (needs CAP_SYS_ADMIN) and returns what it made. */
export const inNetnsOf = <T>(pid: number, create: () => T): T => {
  // thread-self: setns moves the calling thread, so that thread's namespace is the one to return to.
  const home = openSync('/proc/thread-self/ns/net', 'r');
  let target: number | undefined;
  try {
    target = openSync(`/proc/${pid}/ns/net`, 'r');
    if (libc().setns(target, CLONE_NEWNET) !== 0)
      throw new NetnsError(`entering the network namespace of pid ${pid}: errno ${libc().errno()}`);
    let made: { value: T } | { error: unknown };
    try {
      made = { value: create() };
    } catch (error) {
      made = { error };
    }
    // Staying behind would leave this process's own sockets in the node: fatal, never ignored.
    if (libc().setns(home, CLONE_NEWNET) !== 0)
      throw new NetnsError(`returning from the network namespace of pid ${pid}: errno ${libc().errno()}`);
    if ('error' in made) throw made.error;
    return made.value;
  } finally {
    if (target !== undefined) closeSync(target);
    closeSync(home);
  }
};
