// The balancer's step calls run one at a time, in the order they came, so a retried request
// never interleaves with the one it repeats. The queue is also the balancer's step clock: when
// a step last started or ended, which every background reader defers to (a step that lands
// behind a conntrack dump keeps the held clients waiting).
import type { Clock } from '../../../common/clock.js';

export class StepQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private lastStepAtMs = -Infinity;

  constructor(private readonly clock: Clock) {}

  /** Runs `step` after every step queued before it, whether those succeeded or failed. */
  run<T>(step: () => Promise<T>): Promise<T> {
    const timed = async () => {
      this.lastStepAtMs = this.clock.nowMs();
      try {
        return await step();
      } finally {
        this.lastStepAtMs = this.clock.nowMs();
      }
    };
    const next = this.tail.then(timed, timed);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Since a step last started or ended here (Infinity before the first). */
  msSinceStep(): number {
    return this.clock.nowMs() - this.lastStepAtMs;
  }
}
