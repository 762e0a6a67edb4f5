// The server's side of a c2s stream on one connection: verifies what arrives and decides when
// to acknowledge (every ACK_EVERY_BYTES, once data has waited ACK_EVERY_MS, and once a counter
// changed). ACKs and PONGs carry the connection's counters, so the server's verdict reaches the
// client's summary even when the in-order offset stops advancing.
import { systemClock, type Clock } from '../common/clock.js';
import type { Emit } from './events.js';
import { encodeAck, encodePong, type AckCounters } from './frames.js';
import { ACK_EVERY_BYTES, ACK_EVERY_MS } from './timing.js';
import { StreamVerifier } from './verifier.js';

/** Loss/duplicate/corrupt events per connection beyond this are only counted, not logged. */
const MAX_ISSUE_EVENTS = 100;

export class C2sReceiver {
  private readonly verifier: StreamVerifier;
  private ackedOffset: number;
  private lastAckAt: number;
  private issueEvents = 0;
  /** A counter changed since the last ACK. */
  private news = false;

  constructor(
    private readonly stream: number,
    start: number,
    emit: Emit,
    private readonly clock: Clock = systemClock,
  ) {
    this.lastAckAt = clock.nowMs();
    this.ackedOffset = start;
    this.verifier = new StreamVerifier(stream, start, (issue) => {
      this.news = true;
      if (++this.issueEvents <= MAX_ISSUE_EVENTS) emit(stream, { event: issue.kind, offset: issue.offset, bytes: issue.bytes });
    });
  }

  /** Bytes received in order. */
  get offset(): number {
    return this.verifier.expected;
  }

  data(stream: number, offset: number, piece: Buffer): void {
    // Another stream's DATA on this connection is not ours to place: corrupt, never re-stamped.
    if (stream === this.stream) this.verifier.data(offset, piece);
    else this.verifier.garbage(piece.length);
  }

  garbage(bytes: number): void {
    this.verifier.garbage(bytes);
  }

  /** The ACK frame due at `now`, if any (after each chunk, and from the server's ACK timer). */
  ackDue(now: number): Buffer | undefined {
    const unacked = this.verifier.expected - this.ackedOffset;
    const due = unacked >= ACK_EVERY_BYTES || ((unacked > 0 || this.news) && now - this.lastAckAt >= ACK_EVERY_MS);
    return due ? this.finalAck(now) : undefined;
  }

  /** An ACK now, whatever is due: the verdict when the client closes its side. */
  finalAck(now = this.clock.nowMs()): Buffer {
    this.told(now);
    return encodeAck(this.stream, this.verifier.expected, this.counters());
  }

  /** The answer to a PING: it tells as much as an ACK. */
  pong(now = this.clock.nowMs()): Buffer {
    this.told(now);
    return encodePong(this.stream, this.verifier.expected, this.counters());
  }

  private told(now: number): void {
    this.ackedOffset = this.verifier.expected;
    this.lastAckAt = now;
    this.news = false;
  }

  private counters(): AckCounters {
    const v = this.verifier;
    return { lost: v.lost, duplicated: v.duplicated, corrupt: v.corrupt, reordered: v.reordered, firstBadOffset: v.firstBadOffset };
  }
}
