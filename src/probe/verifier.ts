// Byte-exact verification of one stream, fed DATA pieces (each with its own offset) and the
// garbage the decoder skipped. Pure: no I/O, no clock. Every stream byte is counted in exactly
// one class (docs/probe-integrity.md):
//   - at the expected offset: compared with the pattern; differing bytes are corrupt;
//   - beyond it: the bytes jumped over are a hole. If garbage (an unframeable run: a damaged
//     header and the payload it carried) came just before, the hole is what that garbage stood
//     for and counts as corrupt, up to the garbage's size less one header; the rest is lost;
//   - below it: bytes filling a remembered hole arrived late (reordered, moved out of the class
//     the hole was counted in), any other such byte is duplicated (its content is not checked:
//     it was already counted).
// Garbage followed by no hole (bytes inserted between frames) stays corrupt at face value.
// The common case (in order, intact) is one native Buffer.equals per piece.
import { patternSlice, streamShift } from './byte-pattern.js';
import { HEADER_BYTES } from './frames.js';

export type IssueKind = 'lost' | 'duplicated' | 'corrupt' | 'reordered';

export interface VerifierIssue {
  kind: IssueKind;
  offset: number;
  bytes: number;
}

interface Hole {
  start: number;
  end: number;
  /** Counted as corrupt (a damaged frame stood here), not as lost. */
  corrupt: boolean;
}

/** Holes beyond this many are forgotten, oldest first (their bytes stay lost or corrupt). */
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
  /** Garbage bytes since the last DATA piece: what a following hole is explained by. */
  private pendingGarbage = 0;

  constructor(
    readonly stream: number,
    start = 0,
    private readonly onIssue?: (issue: VerifierIssue) => void,
  ) {
    this.expected = start;
    this.shift = streamShift(stream);
  }

  /** Returns how many bytes arrived beyond the previous in-order offset (0: nothing new). */
  data(offset: number, piece: Buffer): number {
    const end = offset + piece.length;
    if (end <= this.expected) {
      this.pendingGarbage = 0;
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
    this.pendingGarbage = 0;
    this.check(from, view);
    this.expected = end;
    return view.length;
  }

  /** Bytes that could not be framed at all count as corrupt, at the current offset (see hole()). */
  garbage(bytes: number): void {
    if (bytes <= 0) return;
    this.corrupt += bytes;
    this.pendingGarbage += bytes;
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
      if (h.end <= cur) {
        i++;
        continue;
      }
      if (h.start >= end) break;
      if (h.start > cur) {
        this.dup(cur, h.start - cur);
        cur = h.start;
      }
      const fillEnd = Math.min(h.end, end);
      if (h.corrupt) this.corrupt -= fillEnd - cur;
      else this.lost -= fillEnd - cur;
      this.reordered += fillEnd - cur;
      this.issue('reordered', cur, fillEnd - cur);
      this.check(cur, piece.subarray(cur - offset, fillEnd - offset));
      const rest = [
        { ...h, end: cur },
        { ...h, start: fillEnd },
      ].filter((r) => r.end > r.start);
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

  /** [start, end) was jumped over: garbage just before stood for (part of) it, the rest is lost. */
  private hole(start: number, end: number): void {
    // A damaged frame is its header and its payload: the payload is what the hole misses.
    const explained = Math.min(end - start, Math.max(0, this.pendingGarbage - HEADER_BYTES));
    if (explained > 0) {
      // The garbage was counted at face value (header included): count the stream bytes it carried instead.
      this.corrupt += explained - this.pendingGarbage;
      this.remember({ start, end: start + explained, corrupt: true });
    }
    if (start + explained < end) {
      this.lost += end - start - explained;
      this.remember({ start: start + explained, end, corrupt: false });
      this.issue('lost', start + explained, end - start - explained);
    }
  }

  private remember(hole: Hole): void {
    this.holes.push(hole);
    if (this.holes.length > MAX_HOLES) this.holes.shift();
  }

  private issue(kind: IssueKind, offset: number, bytes: number): void {
    this.firstBadOffset ??= offset;
    this.onIssue?.({ kind, offset, bytes });
  }
}
