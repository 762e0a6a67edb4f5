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
import { z } from 'zod';
import { errorMessage } from '../../common/errors.js';
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

/**
 * The config fields applyDaemonScheduling reads, with each daemon's defaults. The nat-lb
 * daemons default to neither: a realtime process that overruns its node's budget is stopped
 * for the rest of each period (the balancer's bulk work — thousands of NFQUEUE verdicts,
 * conntrack batches — took step 4 from 90 to 450 ms at realtime priority), and in a 200-stream
 * planned move neither realtime for the controller nor nice −10 for the balancers shortened
 * the steps (step 3 100 → 190–220 ms in 2 repeats). Their timing-critical part, the liveness
 * datagrams, has its own realtime thread.
 */
export const schedulingFields = (realtimeDefault: number, niceDefault: number) => ({
  /** Niceness of every thread: below the applications', so the daemon is not starved on a busy node. */
  nice: z.number().int().min(-20).max(19).default(niceDefault),
  /**
   * SCHED_RR priority (1–99) for the whole daemon, 0 for none (keepalived: vrrp_rt_priority).
   * Needs a node with a realtime budget (the scenario runner gives one to daemon nodes); without
   * one the daemon says so in a warning event and runs at `nice`.
   */
  realtimePriority: z.number().int().min(0).max(99).default(realtimeDefault),
});
