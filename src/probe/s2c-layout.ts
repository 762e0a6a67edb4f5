// The byte stream a server sends on an s2c connection, as a pure function of its position — so a
// server that never saw the connection can continue it from any byte the client asks for
// (transparent takeover). DATA frames lie on a fixed grid: frame k carries exactly
// MAX_DATA_PAYLOAD pattern bytes from start + k·MAX_DATA_PAYLOAD, whatever the write sizes
// (pacing may cut a frame across writes; TCP does not care). Control frames (the WELCOME, a PONG)
// are *insertions* between grid frames, recorded with their position, since their content is
// not a function of the offset.
import { streamShift, patternSlice } from './byte-pattern.js';
import { FrameType, HEADER_BYTES, MAX_DATA_PAYLOAD, writeHeader } from './frames.js';

export const GRID_FRAME_BYTES = HEADER_BYTES + MAX_DATA_PAYLOAD;

export interface Insertion {
  /** Position in the grid stream (a multiple of GRID_FRAME_BYTES) the frame goes before. */
  at: number;
  bytes: Buffer;
}

/** Where a connection position falls: the rest of an insertion, then the grid from `grid`. */
export interface LayoutPoint {
  head: Buffer;
  grid: number;
}

export class S2cLayout {
  private readonly shift: number;
  private readonly inserted: Insertion[] = [];
  private insertedBytes = 0;

  constructor(
    readonly stream: number,
    readonly start: number,
    insertions: readonly Insertion[] = [],
  ) {
    this.shift = streamShift(stream);
    for (const i of insertions) this.insert(i.at, i.bytes);
  }

  get insertions(): readonly Insertion[] {
    return this.inserted;
  }

  /** Bytes of all insertions so far: connection position = grid position + this (at the end). */
  get insertedTotal(): number {
    return this.insertedBytes;
  }

  insert(at: number, bytes: Buffer): void {
    const last = this.inserted[this.inserted.length - 1];
    if (at % GRID_FRAME_BYTES !== 0) throw new RangeError(`insertion at ${at} is not on a frame boundary`);
    if (last && at < last.at) throw new RangeError(`insertion at ${at} before the previous one at ${last.at}`);
    this.inserted.push({ at, bytes });
    this.insertedBytes += bytes.length;
  }

  /** The stream's payload offset once `grid` grid bytes are out (a partial frame counts what it carried). */
  offsetAt(grid: number): number {
    const frame = Math.floor(grid / GRID_FRAME_BYTES);
    return this.start + frame * MAX_DATA_PAYLOAD + Math.max(0, (grid % GRID_FRAME_BYTES) - HEADER_BYTES);
  }

  /** Grid bytes [grid, grid + len), built frame by frame (whole frames are one header + one pattern copy). */
  gridBytes(grid: number, len: number): Buffer {
    const out = Buffer.allocUnsafe(len);
    const header = Buffer.allocUnsafe(HEADER_BYTES);
    for (let done = 0; done < len;) {
      const pos = grid + done;
      const frame = Math.floor(pos / GRID_FRAME_BYTES);
      const within = pos % GRID_FRAME_BYTES;
      const payloadOffset = this.start + frame * MAX_DATA_PAYLOAD;
      let n: number;
      if (within < HEADER_BYTES) {
        writeHeader(header, 0, FrameType.Data, this.stream, payloadOffset, MAX_DATA_PAYLOAD);
        n = Math.min(HEADER_BYTES - within, len - done);
        header.copy(out, done, within, within + n);
      } else {
        const p = within - HEADER_BYTES;
        n = Math.min(MAX_DATA_PAYLOAD - p, len - done);
        patternSlice(this.stream, payloadOffset + p, n, this.shift).copy(out, done);
      }
      done += n;
    }
    return out;
  }

  /** Connection bytes [pos, pos + len) as they were sent: the grid with the insertions between. */
  connectionBytes(pos: number, len: number): Buffer {
    const parts: Buffer[] = [];
    for (let at = pos, left = len; left > 0;) {
      const point = this.locate(at);
      let piece: Buffer;
      if (point.head.length > 0) piece = point.head.subarray(0, left);
      else {
        // Up to the next insertion: one placed exactly here would have been the head.
        const next = this.inserted.find((i) => i.at > point.grid);
        piece = this.gridBytes(point.grid, Math.min(left, next ? next.at - point.grid : left));
      }
      parts.push(piece);
      at += piece.length;
      left -= piece.length;
    }
    return Buffer.concat(parts);
  }

  /** Where connection position `pos` (bytes since the connection's first server byte) falls. */
  locate(pos: number): LayoutPoint {
    let before = 0;
    for (const i of this.inserted) {
      const from = i.at + before;
      if (pos < from) break;
      if (pos < from + i.bytes.length) return { head: i.bytes.subarray(pos - from), grid: i.at };
      before += i.bytes.length;
    }
    return { head: Buffer.alloc(0), grid: pos - before };
  }
}
