// c2s: the server verifies, so the client learns its stream's fate from ACK frames. The
// server's counters are per connection (its only per-stream state is the offset), so the
// ledger adds each closed connection's last figures to the history.
import type { AckCounters } from './frames.js';

const NONE: AckCounters = { lost: 0, duplicated: 0, corrupt: 0, reordered: 0, firstBadOffset: undefined };

export class AckLedger {
  /** Bytes the server has acknowledged in order: the stream's resume point. */
  acked = 0;
  private history: AckCounters = { ...NONE };
  private current: AckCounters = { ...NONE };

  /** Returns true when the acknowledged offset moved forward. */
  ack(offset: number, counters?: AckCounters): boolean {
    if (counters) this.current = counters;
    if (offset <= this.acked) return false;
    this.acked = offset;
    return true;
  }

  /** A new connection: the server says where the stream continues (its state wins). */
  welcome(offset: number): void {
    this.acked = offset;
  }

  connectionClosed(): void {
    this.history = this.totals();
    this.current = { ...NONE };
  }

  totals(): AckCounters {
    const h = this.history;
    const c = this.current;
    return {
      lost: h.lost + c.lost,
      duplicated: h.duplicated + c.duplicated,
      corrupt: h.corrupt + c.corrupt,
      reordered: h.reordered + c.reordered,
      firstBadOffset: h.firstBadOffset ?? c.firstBadOffset,
    };
  }
}
