// Application-level gaps: intervals between consecutive in-order data arrivals longer than a
// threshold, in wall-clock ms (all lab containers share the host clock, so the orchestrator
// can line them up with captures and fault injections). The tracker outlives connections, so
// a gap that spans a reconnect is one gap. The clock starts at the first data, so connection
// set-up (1,000 streams connecting at once) is not reported as a gap.
import type { Gap } from './probe-report.js';

/** Keeps a pathological run (e.g. a flapping link for an hour) from growing without bound. */
const MAX_GAPS = 10_000;

export class GapTracker {
  readonly gaps: Gap[] = [];
  maxGapMs = 0;
  private last: number | undefined;

  constructor(readonly thresholdMs: number) {}

  /** Whether data arriving at `now` would close a gap. */
  silentAt(now: number): boolean {
    return this.last !== undefined && now - this.last > this.thresholdMs;
  }

  /** In-order data arrived at `now`; returns the gap this closes, if any. */
  arrival(now: number): Gap | undefined {
    const last = this.last;
    this.last = now;
    return last === undefined ? undefined : this.record(last, now);
  }

  /** End of the run: a stream still silent then has an open gap up to `now`. */
  finish(now: number): Gap | undefined {
    const last = this.last;
    this.last = undefined;
    return last === undefined ? undefined : this.record(last, now);
  }

  private record(startMs: number, endMs: number): Gap | undefined {
    // Arrivals are dated to the microsecond (ArrivalStamp); so is what is derived from them.
    const ms = Math.round((endMs - startMs) * 1000) / 1000;
    if (ms <= this.thresholdMs) return undefined;
    this.maxGapMs = Math.max(this.maxGapMs, ms);
    const gap = { startMs, endMs };
    if (this.gaps.length < MAX_GAPS) this.gaps.push(gap);
    return gap;
  }
}
