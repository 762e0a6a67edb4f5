// The probe's wire protocol. One TCP connection carries one stream; both directions are framed
// so that every byte of DATA names its own stream offset, which is what makes loss and
// duplication exactly measurable (the receiver never has to guess where a byte belongs).
//
// Frame (all integers big-endian), 21-byte header then `len` payload bytes:
//
//   0  magic   u32   'FLP1' (0x464C5031) — lets a receiver resync after garbage
//   4  type    u8    1 HELLO, 2 WELCOME, 3 DATA, 4 PING, 5 PONG, 6 ACK
//   5  stream  u32   stream id
//   9  offset  u64   as two u32 (high, low); always < 2^53
//  17  len     u32   payload length: ≤ 16 KiB for DATA, ≤ 64 for the others
//
//   HELLO   client→server, first frame. offset = where the client wants to resume.
//           payload [direction u8: 1 s2c, 2 c2s, 3 echo][rate u64: bytes/s per stream, 0 = max]
//                   [flags u8: bit 0 = a new stream (the run's first connection): the server
//                   forgets any state it has for this id instead of resuming from it]
//   WELCOME server→client, answer to HELLO. offset = where the stream continues: s2c/echo the
//           client's offset; c2s the server's received offset if it has c2s state for the
//           stream (and the HELLO is not a new stream), else the client's.
//           payload [hadState u8]
//   DATA    payload = pattern bytes of the stream for [offset, offset + len).
//           s2c: server→client; c2s: client→server; echo: both (the server returns them).
//   PING    either way; offset = sender's current offset. Answered by PONG at once.
//   PONG    offset = the answerer's offset for the stream (c2s: bytes received, like an ACK).
//   ACK     c2s receiver→sender; offset = bytes received in order so far. payload: the
//           receiver's counters for this connection
//           [lost u64][duplicated u64][corrupt u64][firstBadOffset u64, all ones = none].
//
// Decoding is zero-copy: a DATA payload is handed on as subarrays of the received chunks, in
// pieces when it straddles chunks (each piece carries its own offset, so a connection cut in
// mid-frame still counts every byte that arrived). A header with a bad magic, unknown type or
// impossible length starts a resync: bytes are skipped up to the next magic and reported as
// garbage.

export const MAGIC = 0x464c5031;
export const MAGIC_BYTES = Buffer.from('FLP1', 'latin1');
export const HEADER_BYTES = 21;
export const MAX_DATA_PAYLOAD = 16 * 1024;
export const MAX_CONTROL_PAYLOAD = 64;
const NO_OFFSET_HIGH = 0xffffffff;

export enum FrameType {
  Hello = 1,
  Welcome = 2,
  Data = 3,
  Ping = 4,
  Pong = 5,
  Ack = 6,
}

export type DirectionCode = 1 | 2 | 3;

/** A decoded non-DATA frame; `payload` is a view into received memory, valid during the call. */
export interface ControlFrame {
  type: Exclude<FrameType, FrameType.Data>;
  stream: number;
  offset: number;
  payload: Buffer;
}

export const writeU64 = (buf: Buffer, at: number, value: number): void => {
  buf.writeUInt32BE(Math.floor(value / 0x1_0000_0000), at);
  buf.writeUInt32BE(value % 0x1_0000_0000, at + 4);
};

export const readU64 = (buf: Buffer, at: number): number =>
  buf.readUInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);

export const writeHeader = (buf: Buffer, at: number, type: FrameType, stream: number, offset: number, len: number): void => {
  buf.writeUInt32BE(MAGIC, at);
  buf.writeUInt8(type, at + 4);
  buf.writeUInt32BE(stream, at + 5);
  writeU64(buf, at + 9, offset);
  buf.writeUInt32BE(len, at + 17);
};

const control = (type: FrameType, stream: number, offset: number, payload?: (b: Buffer) => void, len = 0): Buffer => {
  const buf = Buffer.allocUnsafe(HEADER_BYTES + len);
  writeHeader(buf, 0, type, stream, offset, len);
  payload?.(buf.subarray(HEADER_BYTES));
  return buf;
};

export interface Hello {
  direction: DirectionCode;
  rate: number;
  /** The stream's first connection: nothing to resume. */
  fresh: boolean;
}

export const encodeHello = (stream: number, offset: number, h: Hello): Buffer =>
  control(FrameType.Hello, stream, offset, (p) => {
    p.writeUInt8(h.direction, 0);
    writeU64(p, 1, h.rate);
    p.writeUInt8(h.fresh ? 1 : 0, 9);
  }, 10);

export const encodeWelcome = (stream: number, offset: number, hadState: boolean): Buffer =>
  control(FrameType.Welcome, stream, offset, (p) => p.writeUInt8(hadState ? 1 : 0, 0), 1);

export const encodePing = (stream: number, offset: number): Buffer => control(FrameType.Ping, stream, offset);
export const encodePong = (stream: number, offset: number): Buffer => control(FrameType.Pong, stream, offset);

/** What a verifying receiver tells the sender with each ACK (per connection). */
export interface AckCounters {
  lost: number;
  duplicated: number;
  corrupt: number;
  firstBadOffset: number | undefined;
}

export const encodeAck = (stream: number, offset: number, c: AckCounters): Buffer =>
  control(FrameType.Ack, stream, offset, (p) => {
    writeU64(p, 0, c.lost);
    writeU64(p, 8, c.duplicated);
    writeU64(p, 16, c.corrupt);
    if (c.firstBadOffset === undefined) p.fill(0xff, 24, 32);
    else writeU64(p, 24, c.firstBadOffset);
  }, 32);

export const decodeAck = (payload: Buffer): AckCounters | undefined => {
  if (payload.length < 32) return undefined;
  return {
    lost: readU64(payload, 0),
    duplicated: readU64(payload, 8),
    corrupt: readU64(payload, 16),
    firstBadOffset: payload.readUInt32BE(24) === NO_OFFSET_HIGH ? undefined : readU64(payload, 24),
  };
};

export const decodeHello = (payload: Buffer): Hello | undefined => {
  if (payload.length < 10) return undefined;
  const direction = payload.readUInt8(0);
  if (direction !== 1 && direction !== 2 && direction !== 3) return undefined;
  return { direction, rate: readU64(payload, 1), fresh: (payload.readUInt8(9) & 1) === 1 };
};

/** DATA frames around `pieces`, in one buffer (copied: the echo server returns what it got). */
export const encodeData = (stream: number, pieces: readonly { offset: number; piece: Buffer }[]): Buffer => {
  const buf = Buffer.allocUnsafe(pieces.reduce((n, p) => n + HEADER_BYTES + p.piece.length, 0));
  let at = 0;
  for (const { offset, piece } of pieces) {
    writeHeader(buf, at, FrameType.Data, stream, offset, piece.length);
    piece.copy(buf, at + HEADER_BYTES);
    at += HEADER_BYTES + piece.length;
  }
  return buf;
};
