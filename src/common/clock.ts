// Time is read through an injected Clock (testcontainers' common/clock.ts does the same for its
// retries), so logic that stamps or measures time runs under a test's hand instead of the
// machine's. Two readings: the wall clock, which events carry and lab nodes share, and a
// monotonic one for durations and deadlines, which no clock step can bend.
export interface Clock {
  /** Milliseconds since the epoch (Date.now()): what events and heartbeats carry. */
  nowMs(): number;
  /** Milliseconds from an arbitrary origin, never going back (performance.now()): for durations. */
  monotonicMs(): number;
  /**
   * The wall clock with a fraction of a millisecond: what Date.now() would say, plus where in that
   * millisecond we are. For instants compared with packet captures (microsecond stamps), where
   * Date.now()'s whole milliseconds alone are a third of a 5 ms tolerance.
   */
  preciseNowMs(): number;
}

/**
 * Pure: the wall clock refined by the monotonic one. `offsetMs` (wall − monotonic) is kept while
 * it stays inside the wall clock's current millisecond, and re-taken from it when not: a clock
 * step or slew never moves the result outside [wall, wall + 1). Each re-take happens just after
 * the wall clock ticked, closer to the tick than the offset it replaces, so the error (under a
 * millisecond from the first reading) only shrinks.
 */
export const refineWallClock = (wallMs: number, monotonicMs: number, offsetMs: number | undefined): { ms: number; offsetMs: number } => {
  // Whole microseconds, as a capture stamps packets: the history stays readable.
  const refined = offsetMs === undefined ? NaN : Math.floor((monotonicMs + offsetMs) * 1000) / 1000;
  return refined >= wallMs && refined < wallMs + 1 ? { ms: refined, offsetMs: offsetMs! } : { ms: wallMs, offsetMs: wallMs - monotonicMs };
};

let wallOffsetMs: number | undefined;

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
  preciseNowMs: () => {
    const { ms, offsetMs } = refineWallClock(Date.now(), performance.now(), wallOffsetMs);
    wallOffsetMs = offsetMs;
    return ms;
  },
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
    preciseNowMs: () => startMs + elapsedMs,
    advance: (ms) => {
      if (!(ms >= 0)) throw new RangeError(`a manual clock moves forward only (asked to advance ${ms} ms)`);
      elapsedMs += ms;
    },
  };
};
