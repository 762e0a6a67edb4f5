// Scheduling for a whole daemon process. Linux keeps a nice value and a scheduling policy per
// thread, and os.setPriority() sets only the calling one: the main thread at -10 then waits on
// V8's garbage-collection helpers and libuv's pool at 0 — a priority inversion that stalled an
// arp-ha daemon's event loop for 100–380 ms (its `timer-stall` events).
//
// Niceness alone is not enough in a container: it ranks threads within the node's CPU group
// only, and the group competes with every other node and with the engine's own processes. Its
// `timer-stall` events (split by the scheduler's statistics) showed the event loop runnable
// but off the CPU for up to 740 ms while probe servers started. Realtime scheduling (SCHED_RR,
// what keepalived does with vrrp_rt_priority / max_auto_priority) puts it ahead of all of them;
// the node's realtime budget (cgroup cpu.rt_runtime_us) bounds what it can take.
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { libc } from '../../kernel/libc.js';

const SCHED_RR = 2;

const threads = (): number[] => readdirSync('/proc/self/task').map(Number);

/** Sets `nice` on every thread the process has now; threads created later inherit it from the main thread. */
export const setProcessPriority = (nice: number): void => {
  setPriority(nice);
  for (const tid of threads()) setPriority(tid, nice);
};

export class RealtimeUnavailableError extends Error {
  constructor(readonly errno: number) {
    super(errno === 1
      ? 'realtime scheduling not permitted (errno 1): the node has no realtime budget (cgroup cpu.rt_runtime_us is 0)'
      : `sched_setscheduler(SCHED_RR) failed: errno ${errno}`);
  }
}

/**
 * Puts every thread of the process under SCHED_RR at `priority` (1–99); threads created later
 * inherit it. Throws RealtimeUnavailableError (nothing changed on the first thread's refusal).
 */
export const setRealtimePriority = (priority: number): void => {
  const param = Buffer.alloc(4);
  param.writeInt32LE(priority, 0);
  for (const tid of [0, ...threads()]) {
    if (libc().schedSetScheduler(tid, SCHED_RR, param) !== 0) throw new RealtimeUnavailableError(libc().errno());
  }
};

/** SCHED_RR at `priority` for the calling thread only (a worker that must keep its timing while the main thread works). */
export const setThreadRealtimePriority = (priority: number): void => {
  const param = Buffer.alloc(4);
  param.writeInt32LE(priority, 0);
  if (libc().schedSetScheduler(0, SCHED_RR, param) !== 0) throw new RealtimeUnavailableError(libc().errno());
};
