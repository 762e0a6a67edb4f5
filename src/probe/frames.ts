// The probe's wire protocol. One TCP connection carries one stream; both directions are framed
// so that every byte of DATA names its own stream offset, which is what makes loss and
// duplication exactly measurable (the receiver never has to guess where a byte belongs).
// docs/probe-integrity.md says what each kind of damage is counted as, and where.
//
// Frame (all integers big-endian), 25-byte header then `len` payload bytes:
//
//   0  magic   u32   'FLP1' (0x464C5031) — lets a receiver resync after garbage
//   4  type    u8    1 HELLO, 2 WELCOME, 3 DATA, 4 PING, 5 PONG, 6 ACK, 7 REJECT
//   5  stream  u32   stream id
//   9  offset  u64   as two u32 (high, low); always < 2^53
//  17  len     u32   payload length: ≤ 16 KiB for DATA, ≤ 64 for the others
//  21  check   u32   CRC-32 of bytes 0..20, and of the payload for non-DATA frames (a DATA
//                    payload is checked against the pattern instead: no per-byte CRC work)
//
//   HELLO   client→server, first frame. offset = where the client wants to resume.
//           payload [direction u8: 1 s2c, 2 c2s, 3 echo][rate u64: bytes/s per stream, 0 = max]
//                   [flags u8: bit 0 = a new stream (the run's first connection): the server
//                   forgets any state it has for this id instead of resuming from it]
//   WELCOME server→client, answer to HELLO, same stream id. offset = where the stream
//           continues: s2c/echo the client's offset; c2s the server's received offset if it has
//           c2s state for the stream (and the HELLO is not a new stream), else the client's.
//           payload [hadState u8]
//   REJECT  server→client instead of WELCOME when the connection did not start with an intact
//           HELLO (garbage, a damaged header, another frame first); payload: the reason (text).
//           The server then closes the connection.
//   DATA    payload = pattern bytes of the stream for [offset, offset + len).
//           s2c: server→client; c2s: client→server; echo: client→server, and the server returns
//           every byte after the HELLO exactly as it arrived (never re-framed or re-stamped).
//   PING    client→server; offset = sender's current offset. Answered by PONG at once (s2c,
//           c2s); an echo server returns the PING itself.
//   PONG    offset = the answerer's offset for the stream; c2s: with the ACK payload.
//   ACK     c2s receiver→sender; offset = bytes received in order so far. payload: the
//           receiver's counters for this connection [lost u64][duplicated u64][corrupt u64]
//           [reordered u64][firstBadOffset u64, all ones = none]. Sent when the offset advances,
//           when a counter changed, and once more when the client closes its side.
//
// Decoding is zero-copy: a DATA payload is handed on as subarrays of the received chunks, in
// pieces when it straddles chunks (each piece carries its own offset, so a connection cut in
// mid-frame still counts every byte that arrived). A header with a bad magic, unknown type,
// impossible length or failed check starts a resync: bytes are skipped up to the next magic
// and reported as garbage.
import { crc32 } from './crc32.js';

export const MAGIC = 0x464c5031;
export const MAGIC_BYTES = Buffer.from('FLP1', 'latin1');
/** Header bytes the check covers (everything before the check itself). */
export const CHECKED_HEADER_BYTES = 21;
export const HEADER_BYTES = CHECKED_HEADER_BYTES + 4;
export const MAX_DATA_PAYLOAD = 16 * 1024;
export const MAX_CONTROL_PAYLOAD = 64;
const NO_OFFSET_HIGH = 0xffffffff;
const ACK_PAYLOAD_BYTES = 40;

export enum FrameType {
  Hello = 1,
  Welcome = 2,
  Data = 3,
  Ping = 4,
  Pong = 5,
  Ack = 6,
  Reject = 7,
}

export const LAST_FRAME_TYPE = FrameType.Reject;

/** The payload lengths each control frame can have: any other is a damaged header. */
export const controlLengthFits = (type: FrameType, len: number): boolean => {
  switch (type) {
    case FrameType.Hello:
      return len === 10;
    case FrameType.Welcome:
      return len === 1;
    case FrameType.Ping:
      return len === 0;
    case FrameType.Pong:
      return len === 0 || len === ACK_PAYLOAD_BYTES;
    case FrameType.Ack:
      return len === ACK_PAYLOAD_BYTES;
    default:
      return len <= MAX_CONTROL_PAYLOAD;
  }
};

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

export const readU64 = (buf: Buffer, at: number): number => buf.readUInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);

/** The check of the frame whose header starts at `at`; `payloadLen` > 0 only for non-DATA frames. */
export const frameCheck = (buf: Buffer, at: number, payloadLen: number): number => {
  const header = crc32(buf, at, at + CHECKED_HEADER_BYTES);
  const start = at + HEADER_BYTES;
  return payloadLen === 0 ? header : crc32(buf, start, start + payloadLen, header);
};

/** A DATA header (checked, complete). Control frames are written by `control()`, which checks their payload too. */
export const writeHeader = (buf: Buffer, at: number, type: FrameType, stream: number, offset: number, len: number): void => {
  buf.writeUInt32BE(MAGIC, at);
  buf.writeUInt8(type, at + 4);
  buf.writeUInt32BE(stream, at + 5);
  writeU64(buf, at + 9, offset);
  buf.writeUInt32BE(len, at + 17);
  buf.writeUInt32BE(frameCheck(buf, at, 0), at + CHECKED_HEADER_BYTES);
};

const control = (type: FrameType, stream: number, offset: number, payload?: (b: Buffer) => void, len = 0): Buffer => {
  const buf = Buffer.allocUnsafe(HEADER_BYTES + len);
  writeHeader(buf, 0, type, stream, offset, len);
  payload?.(buf.subarray(HEADER_BYTES));
  if (len > 0) buf.writeUInt32BE(frameCheck(buf, 0, len), CHECKED_HEADER_BYTES);
  return buf;
};

export interface Hello {
  direction: DirectionCode;
  rate: number;
  /** The stream's first connection: nothing to resume. */
  fresh: boolean;
}

export const encodeHello = (stream: number, offset: number, h: Hello): Buffer =>
  control(
    FrameType.Hello,
    stream,
    offset,
    (p) => {
      p.writeUInt8(h.direction, 0);
      writeU64(p, 1, h.rate);
      p.writeUInt8(h.fresh ? 1 : 0, 9);
    },
    10,
  );

export const encodeWelcome = (stream: number, offset: number, hadState: boolean): Buffer =>
  control(FrameType.Welcome, stream, offset, (p) => p.writeUInt8(hadState ? 1 : 0, 0), 1);

export const encodeReject = (stream: number, reason: string): Buffer => {
  const text = Buffer.from(reason, 'utf8').subarray(0, MAX_CONTROL_PAYLOAD);
  return control(FrameType.Reject, stream, 0, (p) => text.copy(p), text.length);
};

export const decodeReject = (payload: Buffer): string => payload.toString('utf8');

export const encodePing = (stream: number, offset: number): Buffer => control(FrameType.Ping, stream, offset);

/** What a verifying receiver tells the sender with each ACK and c2s PONG (per connection). */
export interface AckCounters {
  lost: number;
  duplicated: number;
  corrupt: number;
  reordered: number;
  firstBadOffset: number | undefined;
}

const writeCounters = (p: Buffer, c: AckCounters): void => {
  writeU64(p, 0, c.lost);
  writeU64(p, 8, c.duplicated);
  writeU64(p, 16, c.corrupt);
  writeU64(p, 24, c.reordered);
  if (c.firstBadOffset === undefined) p.fill(0xff, 32, 40);
  else writeU64(p, 32, c.firstBadOffset);
};

/** A PONG; with `counters` (a c2s receiver's) it tells the sender its verdict like an ACK. */
export const encodePong = (stream: number, offset: number, counters?: AckCounters): Buffer =>
  counters
    ? control(FrameType.Pong, stream, offset, (p) => writeCounters(p, counters), ACK_PAYLOAD_BYTES)
    : control(FrameType.Pong, stream, offset);

export const encodeAck = (stream: number, offset: number, c: AckCounters): Buffer =>
  control(FrameType.Ack, stream, offset, (p) => writeCounters(p, c), ACK_PAYLOAD_BYTES);

/** The counters of an ACK or a c2s PONG; undefined for a payload without them. */
export const decodeAck = (payload: Buffer): AckCounters | undefined => {
  if (payload.length < ACK_PAYLOAD_BYTES) return undefined;
  return {
    lost: readU64(payload, 0),
    duplicated: readU64(payload, 8),
    corrupt: readU64(payload, 16),
    reordered: readU64(payload, 24),
    firstBadOffset: payload.readUInt32BE(32) === NO_OFFSET_HIGH ? undefined : readU64(payload, 32),
  };
};

export const decodeHello = (payload: Buffer): Hello | undefined => {
  if (payload.length < 10) return undefined;
  const direction = payload.readUInt8(0);
  if (direction !== 1 && direction !== 2 && direction !== 3) return undefined;
  return { direction, rate: readU64(payload, 1), fresh: (payload.readUInt8(9) & 1) === 1 };
};
