// Runs a scenario's fault schedule against a live workload: each fault waits for its trigger
// (a time after the workload started, or a condition on the history so far), is injected,
// held, healed — `cycles` times for flaps — and every step lands in the history. Whatever
// happens, `healAll` undoes what is still in effect.
import { systemClock, type Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/errors.js';
import type { FaultEntry, RunnerEntry } from '../history/history-types.js';
import type { FaultPlan } from '../nemesis/fault-plan.js';
import type { Scenario } from '../scenario/parse-scenario.js';

export type Trigger = { atMs: number } | { streamsEstablished: number; workload?: string; delayMs?: number };

/** A scenario's `when:` or `at:` (a range is drawn from the repeat's seeded random). */
export const triggerOf = (spec: Scenario['schedule'][number], random: () => number): Trigger => {
  if (spec.when) {
    return {
      streamsEstablished: spec.when.streamsEstablished,
      ...(spec.when.workload ? { workload: spec.when.workload } : {}),
      ...(spec.when.delay ? { delayMs: spec.when.delay } : {}),
    };
  }
  const at = spec.at ?? 0;
  return { atMs: Array.isArray(at) ? at[0] + random() * (at[1] - at[0]) : at };
};

export interface ScheduledFault {
  plan: FaultPlan;
  trigger: Trigger;
}

export interface ScheduleHooks {
  /** Streams established so far, per workload (the condition triggers read it). */
  established(workload?: string): number;
  record(entry: FaultEntry | RunnerEntry): void;
  signal: AbortSignal;
  /** Wall clock: triggers and entries share the history's timeline. Default: the system's. */
  clock?: Clock;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Waits for a fault's trigger. A condition's `delay` is when the nemesis gets ready
 * (`prepare`): the streams are up by then, so its work (a command's exec in the node) neither
 * slows their start nor falls in the window measured after the fault. A fixed time prepares
 * nothing: such faults often follow each other a second apart, and getting one ready would
 * land in the window of the one before.
 */
const waitForTrigger = async (trigger: Trigger, startedAt: number, hooks: ScheduleHooks, prepare: () => void): Promise<boolean> => {
  if ('atMs' in trigger) {
    await sleep(startedAt + trigger.atMs - (hooks.clock ?? systemClock).nowMs(), hooks.signal);
  } else {
    while (!hooks.signal.aborted && hooks.established(trigger.workload) < trigger.streamsEstablished) await sleep(10, hooks.signal);
    if (!hooks.signal.aborted) prepare();
    await sleep(trigger.delayMs ?? 0, hooks.signal);
  }
  return !hooks.signal.aborted;
};

const runOne = async ({ plan, trigger }: ScheduledFault, startedAt: number, hooks: ScheduleHooks): Promise<void> => {
  if (!(await waitForTrigger(trigger, startedAt, hooks, () => plan.nemesis.prepare?.()))) return;
  const { nemesis } = plan;
  const clock = hooks.clock ?? systemClock;
  const entry = (phase: 'start' | 'end', id: string): FaultEntry => ({
    t: clock.nowMs(),
    kind: 'fault',
    phase,
    id,
    fault: nemesis.fault,
    targets: nemesis.targets,
    detail: nemesis.detail,
  });
  for (let cycle = 0; cycle < plan.cycles && !hooks.signal.aborted; cycle++) {
    const id = plan.cycles > 1 ? `${plan.id}.${cycle + 1}` : plan.id;
    const effectiveAt = await nemesis.start();
    hooks.record({ ...entry('start', id), ...(typeof effectiveAt === 'number' ? { t: effectiveAt } : {}) });
    if (plan.holdMs === undefined) return; // healed at teardown
    await sleep(plan.holdMs, hooks.signal);
    await nemesis.heal();
    hooks.record(entry('end', id));
    if (cycle + 1 < plan.cycles) await sleep(plan.pauseMs, hooks.signal);
  }
};

/** Runs every fault concurrently; resolves when all are done (or the signal aborts them). */
export const runSchedule = async (faults: readonly ScheduledFault[], startedAt: number, hooks: ScheduleHooks): Promise<void> => {
  const results = await Promise.allSettled(faults.map((f) => runOne(f, startedAt, hooks)));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${faults[i]!.plan.id}: ${errorMessage(r.reason)}`] : []));
  if (failed.length > 0) throw new Error(`fault injection failed: ${failed.join('; ')}`);
};

/** Teardown: heals every fault still in effect, recording the ends the schedule did not. */
export const healAll = async (
  faults: readonly ScheduledFault[],
  record: (e: FaultEntry) => void,
  openIds: () => string[],
  clock: Clock = systemClock,
): Promise<string[]> => {
  const problems: string[] = [];
  for (const { plan } of faults) {
    const { nemesis } = plan;
    try {
      await nemesis.heal();
      for (const id of openIds().filter((o) => o === plan.id || o.startsWith(`${plan.id}.`))) {
        record({
          t: clock.nowMs(),
          kind: 'fault',
          phase: 'end',
          id,
          fault: nemesis.fault,
          targets: nemesis.targets,
          detail: `${nemesis.detail} (healed at teardown)`,
        });
      }
    } catch (error) {
      problems.push(`healing ${plan.id}: ${errorMessage(error)}`);
    }
    await nemesis.cleanUp?.();
  }
  return problems;
};
