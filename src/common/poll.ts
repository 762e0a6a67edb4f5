// Waiting for the world to reach a state (an interface appears, a port listens, a container
// stops): one loop, one timeout error that says what was awaited.
import { systemClock, type Clock } from './clock.js';
import { WaitTimeoutError } from './errors.js';

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  clock?: Clock;
}

/** Calls `check` until it returns true; throws WaitTimeoutError naming `what` after timeoutMs. */
export const pollUntil = async (what: string, check: () => boolean | Promise<boolean>, options: PollOptions): Promise<void> => {
  const clock = options.clock ?? systemClock;
  const deadline = clock.nowMs() + options.timeoutMs;
  for (;;) {
    if (await check()) return;
    if (clock.nowMs() > deadline) throw new WaitTimeoutError(what, options.timeoutMs);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
};
