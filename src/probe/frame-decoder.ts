// Incremental frame decoder for one connection (see frames.ts for the format). Fed the
// socket's chunks as they come; DATA payloads are passed on as zero-copy views, split into
// pieces where they straddle chunks. Only the rare header that straddles two chunks is copied.
// Every header's check is verified (a control frame's with its payload): a damaged header is
// never trusted for its stream, offset or length, it starts a resync.
import {
  CHECKED_HEADER_BYTES,
  FrameType,
  HEADER_BYTES,
  LAST_FRAME_TYPE,
  MAGIC,
  MAGIC_BYTES,
  MAX_DATA_PAYLOAD,
  controlLengthFits,
  frameCheck,
  type ControlFrame,
} from './frames.js';

export interface FrameSink {
  /** A complete non-DATA frame; its payload view is only valid during the call. */
  control(frame: ControlFrame): void;
  /** DATA bytes for [offset, offset + piece.length) of `stream` (a whole frame or part of one). */
  data(stream: number, offset: number, piece: Buffer): void;
  /** Bytes skipped while resyncing after a broken header. */
  garbage(bytes: number): void;
}

const MAX_SAFE_OFFSET_HIGH = 0x1f_ffff; // keeps offsets below 2^53

export class FrameDecoder {
  /** Incomplete header (plus control payload), or the tail kept while resyncing. */
  private carry: Buffer | undefined;
  private dataLeft = 0;
  private dataStream = 0;
  private dataOffset = 0;
  private resyncing = false;
  private closed = false;
  /** During a control() call: the bytes of the pushed data after that frame. */
  private current: Buffer = Buffer.alloc(0);
  private frameEnd = 0;

  constructor(private readonly sink: FrameSink) {}

  /** Inside control(): the rest of what has been pushed, after this frame (an echo server returns it as it came). */
  restAfterFrame(): Buffer {
    return this.current.subarray(this.frameEnd);
  }

  /**
   * The peer has finished sending: bytes held back while resyncing (a possible magic) are
   * garbage after all. A partial frame is not: a connection cut mid-frame is not damage.
   */
  end(): void {
    if (this.resyncing && this.carry && !this.closed) this.skip(this.carry.length);
    this.carry = undefined;
  }

  /** Stops decoding at once (e.g. a sink callback destroyed the connection). */
  close(): void {
    this.closed = true;
    this.carry = undefined;
  }

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    let pos = 0;
    while (pos < buf.length && !this.closed) {
      if (this.dataLeft > 0) {
        const n = Math.min(this.dataLeft, buf.length - pos);
        const offset = this.dataOffset;
        this.dataLeft -= n;
        this.dataOffset += n;
        this.sink.data(this.dataStream, offset, buf.subarray(pos, pos + n));
        pos += n;
        continue;
      }
      if (this.resyncing) {
        const at = buf.indexOf(MAGIC_BYTES, pos);
        if (at < 0) {
          // The last 3 bytes may be the start of a magic split across chunks.
          const keep = Math.min(MAGIC_BYTES.length - 1, buf.length - pos);
          this.skip(buf.length - pos - keep);
          this.carry = Buffer.from(buf.subarray(buf.length - keep));
          return;
        }
        this.skip(at - pos);
        pos = at;
        this.resyncing = false;
      }
      if (buf.length - pos < HEADER_BYTES) {
        this.carry = Buffer.from(buf.subarray(pos));
        return;
      }
      if (buf.readUInt32BE(pos) !== MAGIC) {
        this.resyncing = true;
        continue;
      }
      const type = buf.readUInt8(pos + 4);
      const stream = buf.readUInt32BE(pos + 5);
      const high = buf.readUInt32BE(pos + 9);
      const offset = high * 0x1_0000_0000 + buf.readUInt32BE(pos + 13);
      const len = buf.readUInt32BE(pos + 17);
      const isData = type === FrameType.Data;
      const plausible =
        type >= FrameType.Hello &&
        type <= LAST_FRAME_TYPE &&
        high <= MAX_SAFE_OFFSET_HIGH &&
        (isData ? len <= MAX_DATA_PAYLOAD : controlLengthFits(type, len));
      if (plausible && !isData && buf.length - pos < HEADER_BYTES + len) {
        this.carry = Buffer.from(buf.subarray(pos));
        return;
      }
      if (!plausible || buf.readUInt32BE(pos + CHECKED_HEADER_BYTES) !== frameCheck(buf, pos, isData ? 0 : len)) {
        // A magic inside garbage (or a damaged header): skip it and look for the next one.
        this.skip(1);
        pos += 1;
        this.resyncing = true;
        continue;
      }
      if (isData) {
        pos += HEADER_BYTES;
        this.dataLeft = len;
        this.dataStream = stream;
        this.dataOffset = offset;
        continue;
      }
      const payload = buf.subarray(pos + HEADER_BYTES, pos + HEADER_BYTES + len);
      pos += HEADER_BYTES + len;
      this.current = buf;
      this.frameEnd = pos;
      this.sink.control({ type: type, stream, offset, payload });
    }
  }

  private skip(bytes: number): void {
    if (bytes > 0) this.sink.garbage(bytes);
  }
}
