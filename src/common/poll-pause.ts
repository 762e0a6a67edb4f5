// The pause between two reads of a socket read without blocking (raw and capture sockets, which
// Node cannot watch): answers on a LAN arrive within a millisecond or two, and setTimeout(1)
// sleeps 1–2 ms, so the first `spinMs` poll every event-loop turn, then every millisecond.
// `startedMs` is a reading of `clock.monotonicMs()`.
import { systemClock, type Clock } from './clock.js';

export const pollPause = (startedMs: number, spinMs: number, clock: Clock = systemClock): Promise<void> =>
  new Promise((resolve) => {
    if (clock.monotonicMs() - startedMs < spinMs) setImmediate(resolve);
    else setTimeout(resolve, 1);
  });
