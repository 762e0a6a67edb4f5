// Pure pacing for the SSH workload's senders (the remote pattern source, the shell and sftp
// clients): bytes earned at `rate` per second since the last take, with no burst of more than
// a quarter second's worth after a stall (a session that was stuck resumes at its rate).
const MAX_BURST_S = 0.25;

export class RateBudget {
  private credit = 0;
  private last: number;

  /** `rate` 0: unlimited (each take gives `max`). */
  constructor(
    private readonly rate: number,
    startMs: number,
  ) {
    this.last = startMs;
  }

  /** Bytes that may be sent at `now`, at most `max`, or 0 while fewer than `min` are due; they are spent. */
  take(now: number, max: number, min = 1): number {
    if (this.rate <= 0) return max;
    this.credit = Math.min(this.credit + (this.rate * (now - this.last)) / 1000, Math.max(this.rate * MAX_BURST_S, min));
    this.last = now;
    const n = Math.min(max, Math.floor(this.credit));
    if (n < Math.min(min, max)) return 0;
    this.credit -= n;
    return n;
  }
}
