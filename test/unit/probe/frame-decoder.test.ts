import { strict as assert } from 'node:assert';
import { patternSlice } from '../../../src/probe/byte-pattern.js';
import { FrameDecoder } from '../../../src/probe/frame-decoder.js';
import {
  FrameType,
  HEADER_BYTES,
  MAX_DATA_PAYLOAD,
  controlLengthFits,
  decodeAck,
  decodeHello,
  encodeAck,
  encodeHello,
  encodePing,
  encodeReject,
  encodeWelcome,
} from '../../../src/probe/frames.js';
import { patternFrames } from '../../../src/probe/pattern-sender.js';
import { decodeChunks, randomSplit, rng } from './frames-helpers.js';

/** Reassembles decoded DATA pieces, checking they are contiguous from `start`. */
const reassemble = (pieces: { offset: number; bytes: Buffer }[], start: number): Buffer => {
  let expected = start;
  for (const p of pieces) {
    assert.equal(p.offset, expected, 'pieces are contiguous');
    expected += p.bytes.length;
  }
  return Buffer.concat(pieces.map((p) => p.bytes));
};

describe('probe frame decoder', () => {
  const stream = 9;
  const start = 2 ** 33 + 17; // exercises the high half of the u64 offset
  const wire = Buffer.concat([
    encodeHello(stream, start, { direction: 2, rate: 125_000, fresh: true }),
    encodeWelcome(stream, start, true),
    patternFrames(stream, start, 3 * MAX_DATA_PAYLOAD + 1234),
    encodePing(stream, 77),
    encodeAck(stream, 5000, { lost: 1, duplicated: 2, corrupt: 3, reordered: 4, firstBadOffset: undefined }),
    patternFrames(stream, start + 3 * MAX_DATA_PAYLOAD + 1234, 999),
  ]);
  const total = 3 * MAX_DATA_PAYLOAD + 1234 + 999;
  const want = Buffer.concat([
    patternSlice(stream, start, MAX_DATA_PAYLOAD),
    patternSlice(stream, start + MAX_DATA_PAYLOAD, MAX_DATA_PAYLOAD),
    patternSlice(stream, start + 2 * MAX_DATA_PAYLOAD, MAX_DATA_PAYLOAD),
    patternSlice(stream, start + 3 * MAX_DATA_PAYLOAD, 1234 + 999),
  ]);

  const check = (chunks: Buffer[]) => {
    const d = decodeChunks(chunks);
    assert.equal(d.garbage, 0);
    assert.deepEqual(
      d.controls.map((c) => c.type),
      [FrameType.Hello, FrameType.Welcome, FrameType.Ping, FrameType.Ack],
    );
    assert.deepEqual(decodeHello(d.controls[0]!.payload), { direction: 2, rate: 125_000, fresh: true });
    assert.equal(d.controls[0]!.offset, start);
    assert.equal(d.controls[1]!.payload[0], 1);
    assert.deepEqual(decodeAck(d.controls[3]!.payload), { lost: 1, duplicated: 2, corrupt: 3, reordered: 4, firstBadOffset: undefined });
    const data = reassemble(d.pieces, start);
    assert.equal(data.length, total);
    assert.ok(data.equals(want));
    assert.ok(d.pieces.every((p) => p.stream === stream));
  };

  it('decodes a stream delivered in one chunk, as whole frames', () => {
    check([wire]);
    assert.equal(decodeChunks([wire]).pieces.length, 5);
  });

  it('decodes the same frames whatever the chunk boundaries', () => {
    const random = rng(1);
    for (const maxChunk of [1, 2, 7, 21, 22, 100, 4096, 70_000]) {
      for (let round = 0; round < 5; round++) check(randomSplit(wire, maxChunk, random));
    }
  });

  it('splits every header at every position', () => {
    const frame = patternFrames(stream, 0, 50);
    for (let cut = 1; cut < HEADER_BYTES + 50; cut++) {
      const d = decodeChunks([frame.subarray(0, cut), frame.subarray(cut)]);
      assert.ok(reassemble(d.pieces, 0).equals(patternSlice(stream, 0, 50)), `cut at ${cut}`);
    }
  });

  it('resyncs after garbage, counting the skipped bytes — also with the magic split across chunks', () => {
    const garbage = Buffer.from('this is not a frame, FLP nor FLP0'.repeat(3));
    const buf = Buffer.concat([patternFrames(stream, 0, 100), garbage, patternFrames(stream, 100, 100)]);
    for (const chunks of [[buf], randomSplit(buf, 3, rng(2)), randomSplit(buf, 40, rng(3))]) {
      const d = decodeChunks(chunks);
      assert.equal(d.garbage, garbage.length);
      assert.ok(reassemble(d.pieces, 0).equals(patternSlice(stream, 0, 200)));
    }
  });

  it('treats a valid magic with an impossible header as garbage', () => {
    const bad = patternFrames(stream, 0, 10);
    bad.writeUInt32BE(MAX_DATA_PAYLOAD + 1, 17); // len too large
    const d = decodeChunks([Buffer.concat([bad, patternFrames(stream, 10, 10)])]);
    assert.equal(d.garbage, bad.length);
    assert.deepEqual(
      d.pieces.map((p) => p.offset),
      [10],
    );
  });

  describe('checked headers: damage anywhere in a header is never trusted', () => {
    const fields = { magic: 1, type: 4, stream: 7, 'offset (high)': 10, 'offset (low)': 16, len: 19, check: 23 };
    for (const [field, at] of Object.entries(fields)) {
      it(`a DATA frame with a flipped ${field} byte is skipped whole as garbage; its neighbours decode`, () => {
        const bad = patternFrames(stream, 100, 100);
        bad[at] = bad[at]! ^ 0x01;
        const d = decodeChunks([Buffer.concat([patternFrames(stream, 0, 100), bad, patternFrames(stream, 200, 100)])]);
        assert.equal(d.garbage, bad.length);
        assert.deepEqual(
          d.pieces.map((p) => [p.stream, p.offset]),
          [
            [stream, 0],
            [stream, 200],
          ],
        );
      });
    }

    it('a control frame with a flipped payload byte (HELLO, WELCOME, ACK counters) is garbage, not a frame', () => {
      for (const frame of [
        encodeHello(stream, 0, { direction: 1, rate: 0, fresh: true }),
        encodeWelcome(stream, 0, false),
        encodeAck(stream, 10, { lost: 0, duplicated: 0, corrupt: 0, reordered: 0, firstBadOffset: undefined }),
      ]) {
        const bad = Buffer.from(frame);
        bad[HEADER_BYTES] = bad[HEADER_BYTES]! ^ 0x80;
        const d = decodeChunks([bad, encodePing(stream, 1)]);
        assert.deepEqual(
          d.controls.map((c) => c.type),
          [FrameType.Ping],
        );
        assert.equal(d.garbage, bad.length);
      }
    });

    it('each control frame has its own lengths (a damaged length is refused before its check is read)', () => {
      assert.ok(controlLengthFits(FrameType.Hello, 10) && !controlLengthFits(FrameType.Hello, 11));
      assert.ok(controlLengthFits(FrameType.Pong, 0) && controlLengthFits(FrameType.Pong, 40) && !controlLengthFits(FrameType.Pong, 8));
      assert.ok(controlLengthFits(FrameType.Reject, 64) && !controlLengthFits(FrameType.Reject, 65));
      const reject = encodeReject(3, 'x'.repeat(100));
      assert.equal(reject.length, HEADER_BYTES + 64);
      assert.deepEqual(
        decodeChunks([reject]).controls.map((c) => c.type),
        [FrameType.Reject],
      );
    });
  });

  it('end(): bytes held back while resyncing are garbage after all; a frame cut short is not', () => {
    let garbage = 0;
    const decoder = new FrameDecoder({
      control: () => {},
      data: () => {},
      garbage: (n) => {
        garbage += n;
      },
    });
    decoder.push(Buffer.from('not a frame at all, but long enough'));
    const held = 'not a frame at all, but long enough'.length - garbage;
    assert.equal(held, 3);
    decoder.end();
    assert.equal(garbage, 35);
    garbage = 0;
    const cut = new FrameDecoder({
      control: () => {},
      data: () => {},
      garbage: (n) => {
        garbage += n;
      },
    });
    cut.push(patternFrames(stream, 0, 100).subarray(0, 10));
    cut.end();
    assert.equal(garbage, 0);
  });

  it('restAfterFrame(): inside control(), what was pushed after that frame (an echo server returns it)', () => {
    const rest: Buffer[] = [];
    const decoder: FrameDecoder = new FrameDecoder({
      control: () => rest.push(Buffer.from(decoder.restAfterFrame())),
      data: () => {},
      garbage: () => {},
    });
    const hello = encodeHello(stream, 0, { direction: 3, rate: 0, fresh: true });
    const tail = patternFrames(stream, 0, 30);
    decoder.push(hello.subarray(0, 5));
    decoder.push(Buffer.concat([hello.subarray(5), tail]));
    assert.equal(rest.length, 1);
    assert.ok(rest[0]!.equals(tail));
  });
});
