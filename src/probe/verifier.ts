// Byte-exact verification of one stream, fed DATA pieces (each with its own offset) and the
// garbage the decoder skipped. Pure: no I/O, no clock. Every byte that arrives is classified:
//   - beyond the expected offset: the bytes jumped over are lost (remembered as a hole);
//   - below it: bytes filling a remembered hole arrived late (reordered, no longer lost),
//     any other such byte is duplicated (its content is not checked: it was already counted);
//   - at the expected offset: compared with the pattern; differing bytes are corrupt.
// The common case (in order, intact) is one native Buffer.equals per piece.
import { patternSlice, streamShift } from './byte-pattern.js';

export type IssueKind = 'lost' | 'duplicated' | 'corrupt';

export interface VerifierIssue {
  kind: IssueKind;
  offset: number;
  bytes: number;
}

interface Hole {
  start: number;
  end: number;
}

/** Holes beyond this many are forgotten, oldest first (their bytes stay lost). */
const MAX_HOLES = 32;

export class StreamVerifier {
  /** Next in-order offset: everything below it has arrived, been lost, or been skipped. */
  expected: number;
  verified = 0;
  lost = 0;
  duplicated = 0;
  corrupt = 0;
  reordered = 0;
  firstBadOffset: number | undefined;
  private readonly holes: Hole[] = [];
  private readonly shift: number;

  constructor(readonly stream: number, start = 0, private readonly onIssue?: (issue: VerifierIssue) => void) {
    this.expected = start;
    this.shift = streamShift(stream);
  }

  /** Returns how many bytes arrived beyond the previous in-order offset (0: nothing new). */
  data(offset: number, piece: Buffer): number {
    const end = offset + piece.length;
    if (end <= this.expected) {
      this.old(offset, piece);
      return 0;
    }
    let from = offset;
    let view = piece;
    if (offset < this.expected) {
      const overlap = this.expected - offset;
      this.old(offset, piece.subarray(0, overlap));
      from = this.expected;
      view = piece.subarray(overlap);
    } else if (offset > this.expected) {
      this.hole(this.expected, offset);
    }
    this.check(from, view);
    this.expected = end;
    return view.length;
  }

  /** Bytes that could not be framed at all count as corrupt, at the current offset. */
  garbage(bytes: number): void {
    if (bytes <= 0) return;
    this.corrupt += bytes;
    this.issue('corrupt', this.expected, bytes);
  }

  private check(at: number, view: Buffer): void {
    if (view.length === 0) return;
    const want = patternSlice(this.stream, at, view.length, this.shift);
    if (view.equals(want)) {
      this.verified += view.length;
      return;
    }
    // Only a mismatch pays for the byte loop.
    let differing = 0;
    let first = -1;
    for (let i = 0; i < view.length; i++) {
      if (view[i] !== want[i]) {
        differing++;
        if (first < 0) first = i;
      }
    }
    this.corrupt += differing;
    this.verified += view.length - differing;
    this.issue('corrupt', at + first, differing);
  }

  /** [offset, offset + piece.length), entirely below `expected`: fills holes or duplicates. */
  private old(offset: number, piece: Buffer): void {
    const end = offset + piece.length;
    let cur = offset;
    for (let i = 0; i < this.holes.length && cur < end;) {
      const h = this.holes[i]!;
      if (h.end <= cur) { i++; continue; }
      if (h.start >= end) break;
      if (h.start > cur) {
        this.dup(cur, h.start - cur);
        cur = h.start;
      }
      const fillEnd = Math.min(h.end, end);
      this.lost -= fillEnd - cur;
      this.reordered += fillEnd - cur;
      this.check(cur, piece.subarray(cur - offset, fillEnd - offset));
      const rest = [{ start: h.start, end: cur }, { start: fillEnd, end: h.end }].filter((r) => r.end > r.start);
      this.holes.splice(i, 1, ...rest);
      i += rest.length;
      cur = fillEnd;
    }
    if (cur < end) this.dup(cur, end - cur);
  }

  private dup(at: number, bytes: number): void {
    this.duplicated += bytes;
    this.issue('duplicated', at, bytes);
  }

  private hole(start: number, end: number): void {
    this.lost += end - start;
    this.holes.push({ start, end });
    if (this.holes.length > MAX_HOLES) this.holes.shift();
    this.issue('lost', start, end - start);
  }

  private issue(kind: IssueKind, offset: number, bytes: number): void {
    this.firstBadOffset ??= offset;
    this.onIssue?.({ kind, offset, bytes });
  }
}
