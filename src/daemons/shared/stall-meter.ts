// Where a stalled event loop's time went, from the main thread's scheduler statistics
// (/proc/thread-self/schedstat: time on a CPU, time runnable but waiting for one). A stall that
// is mostly `waitMs` is CPU starvation (scheduling), mostly `runMs` is this process's own work,
// and the rest (`blockedMs`) was spent asleep in a system call.
import { readFileSync } from 'node:fs';
import { systemClock, type Clock } from '../../common/clock.js';

export type StallShare = { runMs: number; waitMs: number; blockedMs: number };

type Reading = { atMs: number; runNs: number; waitNs: number };

/** Pure: the split of the time between two readings. */
export const stallShare = (from: Reading, to: Reading): StallShare => {
  const runMs = Math.round((to.runNs - from.runNs) / 1e6);
  const waitMs = Math.round((to.waitNs - from.waitNs) / 1e6);
  return { runMs, waitMs, blockedMs: Math.max(0, Math.round(to.atMs - from.atMs) - runMs - waitMs) };
};

/** Pure: the first two fields of a schedstat line (nanoseconds). */
export const parseSchedstat = (text: string): { runNs: number; waitNs: number } | undefined => {
  const [run, wait] = text.trim().split(/\s+/).map(Number);
  return Number.isFinite(run) && Number.isFinite(wait) ? { runNs: run!, waitNs: wait! } : undefined;
};

export class StallMeter {
  private last: Reading | undefined;

  constructor(private readonly clock: Clock = systemClock) {}

  /** Must be called from the main thread (the file names the calling thread). */
  mark(): StallShare | undefined {
    let stat;
    try {
      stat = parseSchedstat(readFileSync('/proc/thread-self/schedstat', 'utf8'));
    } catch {
      return undefined; // a kernel without schedstats: the stall is still reported, unsplit
    }
    if (!stat) return undefined;
    const now: Reading = { atMs: this.clock.monotonicMs(), ...stat };
    const share = this.last ? stallShare(this.last, now) : undefined;
    this.last = now;
    return share;
  }
}
