import { strict as assert } from 'node:assert';
import { patternSlice } from '../../../src/probe/byte-pattern.js';
import {
  FrameType, HEADER_BYTES, MAX_DATA_PAYLOAD, decodeAck, decodeHello, encodeAck, encodeHello, encodePing, encodeWelcome,
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
  const want = Buffer.concat([patternSlice(stream, start, MAX_DATA_PAYLOAD), patternSlice(stream, start + MAX_DATA_PAYLOAD, MAX_DATA_PAYLOAD),
    patternSlice(stream, start + 2 * MAX_DATA_PAYLOAD, MAX_DATA_PAYLOAD), patternSlice(stream, start + 3 * MAX_DATA_PAYLOAD, 1234 + 999)]);

  const check = (chunks: Buffer[]) => {
    const d = decodeChunks(chunks);
    assert.equal(d.garbage, 0);
    assert.deepEqual(d.controls.map((c) => c.type), [FrameType.Hello, FrameType.Welcome, FrameType.Ping, FrameType.Ack]);
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
    assert.deepEqual(d.pieces.map((p) => p.offset), [10]);
  });
});
