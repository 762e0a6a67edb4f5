// What a client stream has achieved, across its connections: the verified offset (s2c, echo:
// we verify) or the acknowledged one (c2s: the server verifies and reports in ACKs and PONGs),
// the gaps between advances, and the loss/duplicate/corrupt/reorder figures for the summary.
// For c2s, bytes from the server that could not be decoded (a damaged ACK) count as corrupt too.
import { systemClock } from '../common/clock.js';
import { AckLedger } from './ack-ledger.js';
import type { Emit } from './events.js';
import type { AckCounters } from './frames.js';
import { GapTracker } from './gap-tracker.js';
import type { Direction, StreamSummary } from './probe-report.js';
import { effectiveGapThresholdMs } from './timing.js';
import { StreamVerifier, type VerifierIssue } from './verifier.js';

/** Loss/duplicate/corrupt events per stream beyond this are only counted, not logged. */
const MAX_ISSUE_EVENTS = 100;

export type ProgressFigures = Pick<
  StreamSummary,
  'bytes' | 'gaps' | 'maxGapMs' | 'bytesLost' | 'bytesDuplicated' | 'bytesCorrupt' | 'bytesReordered' | 'firstBadOffset'
>;

export class StreamProgress {
  private readonly verifier: StreamVerifier;
  private readonly acks = new AckLedger();
  private readonly gaps: GapTracker;
  private readonly viaAcks: boolean;
  private issueEvents = 0;

  /**
   * `senderTickMs`: the pacer period of whoever sends the data we verify, when known (timing.ts).
   * `arrivedAt`: when the data being handed over reached us (ArrivalStamp), which dates the end
   * of a gap; by default the moment it was verified.
   */
  constructor(
    private readonly stream: number,
    direction: Direction,
    rate: number,
    gapThresholdMs: number,
    private readonly emit: Emit,
    senderTickMs?: number,
    private readonly arrivedAt: () => number = () => systemClock.preciseNowMs(),
  ) {
    this.viaAcks = direction === 'c2s';
    this.verifier = new StreamVerifier(stream, 0, (issue) => this.onIssue(issue));
    this.gaps = new GapTracker(effectiveGapThresholdMs(gapThresholdMs, rate, this.viaAcks, senderTickMs));
  }

  /** Whether data arriving at `now` would end a gap. */
  silentAt(now: number): boolean {
    return this.gaps.silentAt(now);
  }

  /** Where the stream resumes. */
  get offset(): number {
    return this.viaAcks ? this.acks.acked : this.verifier.expected;
  }

  /** DATA for us to verify; true when the stream advanced. */
  data(stream: number, offset: number, piece: Buffer): boolean {
    // DATA of another stream on our connection, or any DATA on a c2s one: not our bytes, so corrupt ones.
    if (this.viaAcks || stream !== this.stream) {
      this.verifier.garbage(piece.length);
      return false;
    }
    return this.verifier.data(offset, piece) > 0 && this.advanced();
  }

  garbage(bytes: number): void {
    this.verifier.garbage(bytes);
  }

  /** An ACK or a PONG (c2s: both with the server's counters); true when the stream advanced. */
  ack(offset: number, counters?: AckCounters): boolean {
    return this.viaAcks && this.acks.ack(offset, counters) && this.advanced();
  }

  /** The server's counters after the run ended (its answer to our FIN): the verdict, not progress. */
  lateCounters(counters: AckCounters | undefined): void {
    if (this.viaAcks && counters) this.acks.ack(0, counters);
  }

  /** A new connection's WELCOME: for c2s the server's offset is where we stand now. */
  welcome(offset: number): void {
    if (this.viaAcks) this.acks.welcome(offset);
  }

  connectionClosed(): void {
    this.acks.connectionClosed();
  }

  /** End of the run: a stream silent since its last advance has an open gap up to now. */
  finish(now: number): void {
    const gap = this.gaps.finish(now);
    if (gap) this.emit(this.stream, { event: 'gap', ...gap, offset: this.offset });
  }

  figures(): ProgressFigures {
    const v = this.verifier;
    const server = this.acks.totals();
    const errors = this.viaAcks
      ? { ...server, corrupt: server.corrupt + v.corrupt }
      : { lost: v.lost, duplicated: v.duplicated, corrupt: v.corrupt, reordered: v.reordered, firstBadOffset: v.firstBadOffset };
    return {
      bytes: this.offset,
      gaps: [...this.gaps.gaps],
      maxGapMs: this.gaps.maxGapMs,
      bytesLost: errors.lost,
      bytesDuplicated: errors.duplicated,
      bytesCorrupt: errors.corrupt,
      bytesReordered: errors.reordered,
      firstBadOffset: errors.firstBadOffset,
    };
  }

  private advanced(): true {
    const gap = this.gaps.arrival(this.arrivedAt());
    if (gap) this.emit(this.stream, { event: 'gap', ...gap, offset: this.offset });
    return true;
  }

  private onIssue(issue: VerifierIssue): void {
    if (++this.issueEvents > MAX_ISSUE_EVENTS) return;
    this.emit(this.stream, { event: issue.kind, offset: issue.offset, bytes: issue.bytes });
  }
}
