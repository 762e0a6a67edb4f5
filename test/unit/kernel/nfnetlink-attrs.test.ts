import { strict as assert } from 'node:assert';
import { eachAttribute, indexAttributes, NetlinkWriter } from '../../../src/kernel/nfnetlink-attrs.js';
import { writeIpv4 } from '../../../src/kernel/inet-bytes.js';

describe('nfnetlink framing', () => {
  it('writes a message with nested and scalar attributes: lengths closed, payloads big-endian, padding zeroed', () => {
    const w = new NetlinkWriter(8);
    w.raw(Buffer.alloc(8, 0xff));
    w.take(); // a used buffer: padding must not show what was there before
    const m = w.message({ subsystem: 1, type: 2, flags: 5, seq: 7, family: 2 });
    const n = w.nest(3);
    w.u8(1, 6);
    w.u16(2, 0x1f90);
    w.endNest(n);
    w.u32(4, 432000);
    w.u32Host(5, 2);
    w.ipv4(6, '198.18.20.101');
    w.endMessage(m);
    const b = w.take();
    assert.equal(b.readUInt32LE(0), b.length);
    assert.deepEqual([...b.subarray(4, 20)], [2, 1, 5, 0, 7, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0]);
    assert.deepEqual([...b.subarray(20, 40)], [20, 0, 3, 0x80, 5, 0, 1, 0, 6, 0, 0, 0, 6, 0, 2, 0, 0x1f, 0x90, 0, 0]);
    assert.deepEqual([...b.subarray(40, 64)], [8, 0, 4, 0, 0, 6, 0x97, 0x80, 8, 0, 5, 0, 2, 0, 0, 0, 8, 0, 6, 0, 198, 18, 20, 101]);
    assert.equal(b.length, 64);
  });

  it('finds attributes by type, nested flag cleared, and skips types beyond its table', () => {
    const b = Buffer.from([8, 0, 1, 0x80, 1, 2, 3, 4, 5, 0, 9, 0, 7, 0, 0, 0, 6, 0, 2, 0, 0xab, 0xcd, 0, 0]);
    const slots = indexAttributes(b, 0, b.length, new Int32Array(6));
    assert.deepEqual([...slots], [0, 0, 4, 8, 20, 22]);
    const seen: number[] = [];
    eachAttribute(b, 0, b.length, (type) => seen.push(type));
    assert.deepEqual(seen, [1, 9, 2]);
    assert.deepEqual([...indexAttributes(b, 0, 6, new Int32Array(6))], [0, 0, 0, 0, 0, 0], 'a truncated attribute ends the walk');
  });

  it('writes dotted quads and refuses anything else', () => {
    const b = Buffer.alloc(4);
    writeIpv4(b, 0, '10.0.255.7');
    assert.deepEqual([...b], [10, 0, 255, 7]);
    for (const bad of ['10.0.256.7', '10.0.7', '10.0.0.7.1', '10..0.7', '', 'a.b.c.d', '10.0.0.7 ', '1000.0.0.7']) {
      assert.throws(() => writeIpv4(b, 0, bad), /not an IPv4 address/, bad);
    }
  });
});
