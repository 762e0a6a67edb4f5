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
import { errorMessage, TestbedError } from '../../common/errors.js';
import { libc } from '../../kernel/libc.js';

const SCHED_RR = 2;

const threads = (): number[] => readdirSync('/proc/self/task').map(Number);

/** Sets `nice` on every thread the process has now; threads created later inherit it from the main thread. */
const setProcessPriority = (nice: number): void => {
  setPriority(nice);
  for (const tid of threads()) setPriority(tid, nice);
};

export class RealtimeUnavailableError extends TestbedError {
  constructor(readonly errno: number) {
    super(
      'REALTIME_UNAVAILABLE',
      errno === 1
        ? 'realtime scheduling not permitted (errno 1): the node has no realtime budget (cgroup cpu.rt_runtime_us is 0)'
        : `sched_setscheduler(SCHED_RR) failed: errno ${errno}`,
    );
  }
}

/** SCHED_RR at `priority` (1–99) for thread `tid` (0: the calling one); throws RealtimeUnavailableError. */
const roundRobin = (tid: number, priority: number): void => {
  const param = Buffer.alloc(4); // struct sched_param: the priority
  param.writeInt32LE(priority, 0);
  if (libc().schedSetScheduler(tid, SCHED_RR, param) !== 0) throw new RealtimeUnavailableError(libc().errno());
};

/**
 * Every thread of the process under SCHED_RR; threads created later inherit it. A node without
 * a budget refuses the first thread, so nothing is changed then.
 */
const setRealtimePriority = (priority: number): void => {
  for (const tid of threads()) roundRobin(tid, priority);
};

/** SCHED_RR at `priority` for the calling thread only (a worker that must keep its timing while the main thread works). */
export const setThreadRealtimePriority = (priority: number): void => roundRobin(0, priority);

/**
 * A daemon's scheduling from its config: `nice` on every thread, then SCHED_RR at
 * `realtimePriority` (0: none). What cannot be had is reported through `warn`, never thrown:
 * a daemon at normal priority still works, only with looser timing.
 */
export const applyDaemonScheduling = (o: { nice: number; realtimePriority: number }, warn: (problem: string) => void): void => {
  try {
    setProcessPriority(o.nice);
  } catch (e) {
    warn(`cannot set nice ${o.nice}: ${errorMessage(e)}`);
  }
  if (o.realtimePriority === 0) return;
  try {
    setRealtimePriority(o.realtimePriority);
  } catch (e) {
    warn(`running at nice ${o.nice} only: ${errorMessage(e)}`);
  }
};
