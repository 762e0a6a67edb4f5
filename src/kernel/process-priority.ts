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
// What bounds what it can take depends on the host (src/kernel/cgroup-sched.ts): the node's
// realtime budget on cgroup v1 with RT group scheduling, the kernel's global budget where there
// is no RT group scheduling (cgroup v2 on Debian and Ubuntu kernels); where neither lets it
// (v2 with RT group scheduling, or a v1 node given no budget) the daemon runs at its nice value,
// says so in its `scheduling` event, and its `timer-stall` events show what that cost.
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { errorMessage, TestbedError } from '../common/errors.js';
import { schedulingPlan, type SchedulingPlan } from './cgroup-sched.js';
import { readSchedulingFiles } from './cgroup-sched-files.js';
import { libc } from './libc.js';

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
        ? 'realtime scheduling not permitted (EPERM): no CAP_SYS_NICE, or the node has no realtime time (cgroup budget 0)'
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

/** The `scheduling` event's data: what the daemon runs at, and why. */
export interface SchedulingChoice {
  policy: 'SCHED_RR' | 'nice';
  nice: number;
  priority?: number;
  reason: string;
}

/**
 * Pure: what to do before trying — 'try' SCHED_RR, or stay at nice with the reason (the
 * config asks for none, or the host allows none: no surprise, so no warning).
 */
export const schedulingIntent = (o: { nice: number; realtimePriority: number }, plan: SchedulingPlan): 'try' | SchedulingChoice => {
  if (o.realtimePriority === 0) return { policy: 'nice', nice: o.nice, reason: 'realtimePriority is 0 in the config' };
  if (plan.policy === 'nice') return { policy: 'nice', nice: o.nice, reason: plan.reason };
  return 'try';
};

/**
 * Pure: after SCHED_RR was refused. A refusal the host's files predicted (RT group scheduling
 * unknown) is the nice fallback; one they did not is also a warning, since the host check and the
 * daemon then disagree about the host.
 */
export const afterRefusal = (
  o: { nice: number },
  plan: SchedulingPlan,
  problem: string,
): { choice: SchedulingChoice; warning?: string } => {
  const choice: SchedulingChoice = { policy: 'nice', nice: o.nice, reason: problem };
  if (plan.policy === 'realtime' && plan.budget === 'unknown') return { choice };
  return { choice, warning: `running at nice ${o.nice} only: ${problem} (expected SCHED_RR: ${plan.reason})` };
};

const hostPlan = (): SchedulingPlan => {
  try {
    return schedulingPlan(readSchedulingFiles('/').facts);
  } catch (e) {
    return { policy: 'realtime', budget: 'unknown', reason: `host files unreadable: ${errorMessage(e)}` };
  }
};

/**
 * A daemon's scheduling from its config: `nice` on every thread, then SCHED_RR at
 * `realtimePriority` where the host allows it (0: none). What was chosen goes to `chosen` (the
 * daemon's `scheduling` event); what cannot be had unexpectedly goes to `warn`, never thrown: a
 * daemon at normal priority still works, only with looser timing.
 */
export const applyDaemonScheduling = (
  o: { nice: number; realtimePriority: number },
  warn: (problem: string) => void,
  chosen: (choice: SchedulingChoice) => void = () => undefined,
): void => {
  try {
    setProcessPriority(o.nice);
  } catch (e) {
    warn(`cannot set nice ${o.nice}: ${errorMessage(e)}`);
  }
  const plan = hostPlan();
  const intent = schedulingIntent(o, plan);
  if (intent !== 'try') return chosen(intent);
  try {
    setRealtimePriority(o.realtimePriority);
    chosen({ policy: 'SCHED_RR', nice: o.nice, priority: o.realtimePriority, reason: plan.reason });
  } catch (e) {
    const { choice, warning } = afterRefusal(o, plan, errorMessage(e));
    if (warning) warn(warning);
    chosen(choice);
  }
};
