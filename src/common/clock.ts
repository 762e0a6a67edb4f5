// Time is read through an injected Clock (testcontainers' common/clock.ts does the same for its
// retries), so logic that stamps or measures time runs under a test's hand instead of the
// machine's. Two readings: the wall clock, which events carry and lab nodes share, and a
// monotonic one for durations and deadlines, which no clock step can bend.
export interface Clock {
  /** Milliseconds since the epoch (Date.now()): what events and heartbeats carry. */
  nowMs(): number;
  /** Milliseconds from an arbitrary origin, never going back (performance.now()): for durations. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

/** A clock that moves only when told to; both readings advance together. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export const manualClock = (startMs = 0): ManualClock => {
  let elapsedMs = 0;
  return {
    nowMs: () => startMs + elapsedMs,
    monotonicMs: () => elapsedMs,
    advance: (ms) => {
      if (!(ms >= 0)) throw new RangeError(`a manual clock moves forward only (asked to advance ${ms} ms)`);
      elapsedMs += ms;
    },
  };
};
