// The server's side of a c2s stream on one connection: verifies what arrives and decides when
// to acknowledge (every ACK_EVERY_BYTES, or once data has waited ACK_EVERY_MS). ACKs carry the
// connection's loss/duplicate/corrupt counters so the client's summary tells the whole story.
import type { Emit } from './events.js';
import { encodeAck } from './frames.js';
import { ACK_EVERY_BYTES, ACK_EVERY_MS } from './timing.js';
import { StreamVerifier } from './verifier.js';

/** Loss/duplicate/corrupt events per connection beyond this are only counted, not logged. */
const MAX_ISSUE_EVENTS = 100;

export class C2sReceiver {
  private readonly verifier: StreamVerifier;
  private ackedOffset: number;
  private lastAckAt = Date.now();
  private issueEvents = 0;

  constructor(private readonly stream: number, start: number, emit: Emit) {
    this.ackedOffset = start;
    this.verifier = new StreamVerifier(stream, start, (issue) => {
      if (++this.issueEvents <= MAX_ISSUE_EVENTS) emit(stream, { event: issue.kind, offset: issue.offset, bytes: issue.bytes });
    });
  }

  /** Bytes received in order. */
  get offset(): number {
    return this.verifier.expected;
  }

  data(stream: number, offset: number, piece: Buffer): void {
    if (stream === this.stream) this.verifier.data(offset, piece);
    else this.verifier.garbage(piece.length);
  }

  garbage(bytes: number): void {
    this.verifier.garbage(bytes);
  }

  /** The ACK frame due at `now`, if any (after each chunk, and from the server's ACK timer). */
  ackDue(now: number): Buffer | undefined {
    const unacked = this.verifier.expected - this.ackedOffset;
    if (unacked <= 0 || (unacked < ACK_EVERY_BYTES && now - this.lastAckAt < ACK_EVERY_MS)) return undefined;
    const v = this.verifier;
    this.ackedOffset = v.expected;
    this.lastAckAt = now;
    return encodeAck(this.stream, v.expected, { lost: v.lost, duplicated: v.duplicated, corrupt: v.corrupt, firstBadOffset: v.firstBadOffset });
  }
}
