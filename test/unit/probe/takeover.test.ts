import { strict as assert } from 'node:assert';
import { patternSlice } from '../../../src/probe/byte-pattern.js';
import { encodePong, encodeWelcome, FrameType, HEADER_BYTES, MAX_DATA_PAYLOAD } from '../../../src/probe/frames.js';
import { GRID_FRAME_BYTES, S2cLayout } from '../../../src/probe/s2c-layout.js';
import { positionOf, rebuildParams, type S2cCheckpoint } from '../../../src/probe/takeover.js';
import { parseRestoreItems } from '../../../src/probe/takeover-input.js';
import { decodeChunks, randomSplit, rng } from './frames-helpers.js';

/** What the old server sent: WELCOME, grid bytes cut by random writes, a PONG at a boundary. */
const oldServerBytes = (stream: number, start: number) => {
  const layout = new S2cLayout(stream, start);
  const welcome = encodeWelcome(stream, start, false);
  layout.insert(0, welcome);
  const parts: Buffer[] = [welcome];
  const random = rng(7);
  let grid = 0;
  const writeUpTo = (end: number) => {
    while (grid < end) {
      const n = Math.min(end - grid, 1 + Math.floor(random() * 5000));
      parts.push(layout.gridBytes(grid, n));
      grid += n;
    }
  };
  writeUpTo(2 * GRID_FRAME_BYTES + 100);
  writeUpTo(3 * GRID_FRAME_BYTES); // the sender completes the frame before a control frame
  const pong = encodePong(stream, layout.offsetAt(grid));
  layout.insert(grid, pong);
  parts.push(pong);
  writeUpTo(5 * GRID_FRAME_BYTES + 777);
  return { layout, wire: Buffer.concat(parts), grid };
};

describe('s2c layout (transparent takeover)', () => {
  const stream = 42;
  const start = 123_456;

  it('makes the byte stream a function of the position: any cut point continues byte-exactly', () => {
    const { layout, wire } = oldServerBytes(stream, start);
    // The new server knows only the checkpoint (stream, start, insertions) and the position.
    const replica = new S2cLayout(stream, start, layout.insertions);
    // Control frames the client never got are not repeated (a PONG is an answer, not data), so
    // a continuation matches the old bytes up to the next insertion the cut precedes.
    const W = HEADER_BYTES + 1; // the WELCOME's length
    const pongAt = W + 3 * GRID_FRAME_BYTES;
    const H = HEADER_BYTES;
    const G = GRID_FRAME_BYTES;
    for (const cut of [0, 5, W, W + 1, W + H, G, 3 * G + W, 3 * G + W + 10, 3 * G + W + H + 4, wire.length - 1]) {
      const point = replica.locate(cut);
      const end = cut < pongAt ? pongAt : wire.length;
      const continued = Buffer.concat([point.head, replica.gridBytes(point.grid, end - cut - point.head.length)]);
      assert.ok(continued.equals(wire.subarray(cut, end)), `continuation from ${cut} differs`);
    }
  });

  it('gives back any stretch of what was sent, insertions included: the bytes a migration queues as in flight', () => {
    const { layout, wire } = oldServerBytes(stream, start);
    const replica = new S2cLayout(stream, start, layout.insertions);
    const G = GRID_FRAME_BYTES;
    const W = HEADER_BYTES + 1;
    const stretches: [number, number][] = [
      [0, wire.length],
      [3, 40],
      [W + 10, G],
      [3 * G + W - 5, 40], // across the PONG
      [3 * G + W + 2, 20], // from inside the PONG
      [wire.length - 100, 100],
      [77, 0],
    ];
    for (const [pos, len] of stretches)
      assert.ok(replica.connectionBytes(pos, len).equals(wire.subarray(pos, pos + len)), `bytes [${pos}, ${pos + len}) differ`);
  });

  it('decodes as clean frames: contiguous pattern bytes, the WELCOME and the PONG, no garbage', () => {
    const { wire } = oldServerBytes(stream, start);
    const d = decodeChunks(randomSplit(wire, 3000, rng(3)));
    assert.equal(d.garbage, 0);
    assert.deepEqual(
      d.controls.map((c) => c.type),
      [FrameType.Welcome, FrameType.Pong],
    );
    let offset = start;
    for (const p of d.pieces) {
      assert.equal(p.offset, offset);
      assert.ok(p.bytes.equals(patternSlice(stream, p.offset, p.bytes.length)));
      offset += p.bytes.length;
    }
    assert.equal(offset, start + 5 * MAX_DATA_PAYLOAD + (777 - HEADER_BYTES));
  });

  it('refuses an insertion off the frame grid or out of order', () => {
    const layout = new S2cLayout(1, 0);
    assert.throws(() => layout.insert(5, Buffer.alloc(1)), /not on a frame boundary/);
    layout.insert(GRID_FRAME_BYTES, Buffer.alloc(1));
    assert.throws(() => layout.insert(0, Buffer.alloc(1)), /before the previous one/);
  });
});

describe('takeover parameters', () => {
  const cp: S2cCheckpoint = {
    client: '198.18.7.1:40000',
    server: '198.18.7.100:7000',
    stream: 1,
    start: 0,
    rate: 0,
    insertions: [],
    firstSeq: 0xfffffff0,
    mss: 1460,
    sndWscale: 7,
    rcvWscale: 9,
    sack: true,
    timestamps: true,
  };

  it('takes sequence numbers and window from the client, options from the checkpoint, across the 2^32 wrap', () => {
    const answer = { seq: 5000, ack: 0x10, window: 100, tsEcr: 777 };
    assert.equal(positionOf(cp, answer), 0x20);
    assert.deepEqual(rebuildParams(cp, answer), {
      local: { ip: '198.18.7.100', port: 7000 },
      remote: { ip: '198.18.7.1', port: 40000 },
      sndNxt: 0x10,
      rcvNxt: 5000,
      sndWnd: 100 * 128,
      rcvWnd: 256 * 1024,
      mss: 1460,
      sndWscale: 7,
      rcvWscale: 9,
      sack: true,
      timestamps: true,
      tsVal: 778,
    });
  });

  it('validates restore requests and names the bad field', () => {
    assert.throws(
      () => parseRestoreItems([{ checkpoint: { ...cp, mss: 'x' }, answer: { seq: 1, ack: 2, window: 3 } }]),
      /conns\.0\.checkpoint\.mss/,
    );
    assert.throws(() => parseRestoreItems([{ checkpoint: cp, answer: { seq: -1, ack: 2, window: 3 } }]), /conns\.0\.answer\.seq/);
    assert.equal(parseRestoreItems([{ checkpoint: cp, answer: { seq: 1, ack: 2, window: 3 } }]).length, 1);
  });

  it('refuses what a restore request must not hold, naming the place', () => {
    const answer = { seq: 1, ack: 2, window: 3 };
    const refused: [unknown, RegExp][] = [
      [{ conns: [] }, /restore: conns: expected an array/],
      [[{ checkpoint: cp, answer, extra: 1 }], /conns\.0: unknown key "extra"/],
      [[{ checkpoint: { ...cp, color: 'red' }, answer }], /conns\.0\.checkpoint: unknown key "color"/],
      [[{ checkpoint: { ...cp, client: '198.18.7.1' }, answer }], /conns\.0\.checkpoint\.client: expected IP:PORT/],
      [[{ checkpoint: { ...cp, insertions: [{ at: 0, hex: 'ABC' }] }, answer }], /conns\.0\.checkpoint\.insertions\.0\.hex/],
      [[{ checkpoint: { ...cp, insertions: 'none' }, answer }], /conns\.0\.checkpoint\.insertions: expected an array/],
      [[{ checkpoint: { ...cp, sndWscale: 15 }, answer }], /conns\.0\.checkpoint\.sndWscale: expected 0 to 14, got 15/],
      [[{ checkpoint: { ...cp, sack: 1 }, answer }], /conns\.0\.checkpoint\.sack: expected true or false/],
      [[{ checkpoint: cp, answer: { ...answer, window: 65536 } }], /conns\.0\.answer\.window/],
      [[{ checkpoint: cp, answer: { ...answer, tsEcr: 1.5 } }], /conns\.0\.answer\.tsEcr: expected an integer/],
      [[{ checkpoint: cp, answer: { ...answer, inFlight: -1 } }], /conns\.0\.answer\.inFlight/],
      [[{ checkpoint: cp, answer: { ...answer, inFlight: 2 ** 30 } }], /conns\.0\.answer\.inFlight/],
      [[{ checkpoint: cp }], /conns\.0\.answer: expected an object/],
    ];
    for (const [value, message] of refused) assert.throws(() => parseRestoreItems(value), message);
  });

  it('passes a valid request through field for field (tsEcr only when sent)', () => {
    const withEcho = parseRestoreItems([{ checkpoint: cp, answer: { seq: 1, ack: 2, window: 3, tsEcr: 4 } }]);
    assert.deepEqual(withEcho, [{ checkpoint: cp, answer: { seq: 1, ack: 2, window: 3, tsEcr: 4 } }]);
    const [item] = parseRestoreItems([{ checkpoint: cp, answer: { seq: 1, ack: 2, window: 3 } }]);
    assert.equal('tsEcr' in item!.answer, false);
    const [inFlight] = parseRestoreItems([{ checkpoint: cp, answer: { seq: 1, ack: 2, window: 3, inFlight: 48_000 } }]);
    assert.equal(inFlight!.answer.inFlight, 48_000);
  });
});
