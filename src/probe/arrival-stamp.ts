// When data reached us, read once per wake-up of the event loop. Node hands over what became
// readable in one poll phase socket by socket, and each chunk is verified before the next is
// read: after an outage four streams' backlogs arrive together, and a clock read per stream
// after verification dated the last stream's return 10–30 ms after its packets (the capture
// said so, on a loaded host). The first read of a wake-up is dated when it starts, and every
// read of that wake-up shares the date: all of that data was there when the loop woke up.
import type { Clock } from '../common/clock.js';

/** Runs `fn` once the current poll phase's callbacks are done (setImmediate: the check phase). */
export type AfterPollPhase = (fn: () => void) => void;

export class ArrivalStamp {
  private stamp: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly afterPollPhase: AfterPollPhase = (fn) => void setImmediate(fn),
  ) {}

  /** The wall-clock ms at which the current wake-up's first data was taken in. */
  now(): number {
    if (this.stamp === undefined) {
      this.stamp = this.clock.preciseNowMs();
      this.afterPollPhase(() => {
        this.stamp = undefined;
      });
    }
    return this.stamp;
  }
}
