// Niceness for a whole daemon process. Linux keeps a nice value per thread, and os.setPriority()
// sets only the calling one: the main thread at -10 then waits on V8's garbage-collection
// helpers and libuv's pool at 0 — on a busy node a priority inversion that stalled an arp-ha
// daemon's event loop for 100–380 ms (its `timer-stall` events), long enough to miss heartbeats.
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Sets `nice` on every thread the process has now; threads created later inherit it from the main thread. */
export const setProcessPriority = (nice: number): void => {
  setPriority(nice);
  for (const tid of readdirSync('/proc/self/task')) setPriority(Number(tid), nice);
};
