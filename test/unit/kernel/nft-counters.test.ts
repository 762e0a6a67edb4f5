import { strict as assert } from 'node:assert';
import { counterDumpMessage, parseCounterDump, type CounterValue } from '../../../src/kernel/nft-counters.js';
import { NetlinkWriter, NLM_F_DUMP, NLM_F_REQUEST } from '../../../src/kernel/nfnetlink-attrs.js';

const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};

/** What the kernel sends back: one NEWOBJ per counter (as nf_tables_fill_obj_info writes it), then DONE. */
const answer = (seq: number, objects: { name: string; type?: number; packets: number; bytes: number }[], doneErrno = 0): Buffer => {
  const w = new NetlinkWriter();
  for (const o of objects) {
    const m = w.message({ subsystem: 10, type: 18, flags: 2, seq, family: 2 });
    w.bytes(1, Buffer.from('natlb\0'));
    w.bytes(2, Buffer.from(`${o.name}\0`));
    w.u32(3, o.type ?? 1);
    const data = w.nest(4);
    w.bytes(1, u64(o.bytes));
    w.bytes(2, u64(o.packets));
    w.endNest(data);
    w.u32(5, 1);
    w.endMessage(m);
  }
  w.endMessage(w.message({ subsystem: 0, type: 3, flags: 2, seq }));
  const out = w.take();
  // NLMSG_DONE carries an int after the header, where nfgenmsg would be: -errno.
  out.writeInt32LE(-doneErrno, out.length - 4);
  return out;
};

describe('nft counters over nfnetlink', () => {
  it("asks for a dump of one table's counter objects", () => {
    const m = counterDumpMessage('ip', 'natlb', 7);
    assert.equal(m.readUInt16LE(4), (10 << 8) | 19, 'NFT_MSG_GETOBJ');
    assert.equal(m.readUInt16LE(6), NLM_F_REQUEST | NLM_F_DUMP);
    assert.equal(m.readUInt32LE(8), 7);
    assert.equal(m[16], 2, 'NFPROTO_IPV4');
    assert.ok(m.includes(Buffer.from('natlb\0')));
    assert.equal(m.readUInt32BE(m.length - 4), 1, 'NFT_OBJECT_COUNTER');
  });

  it('reads names, packets and bytes, skips other objects and other dumps, and sees the end', () => {
    const into = new Map<string, CounterValue>();
    const datagram = answer(7, [
      { name: 'vip_0', packets: 12, bytes: 3_400_000_000_000 },
      { name: 'quota_x', type: 2, packets: 1, bytes: 1 },
      { name: 'refused_tcp', packets: 3, bytes: 120 },
    ]);
    assert.deepEqual(parseCounterDump(datagram, 7, into), { done: true });
    assert.deepEqual(
      [...into],
      [
        ['vip_0', { packets: 12, bytes: 3_400_000_000_000 }],
        ['refused_tcp', { packets: 3, bytes: 120 }],
      ],
    );
    const other = new Map<string, CounterValue>();
    assert.deepEqual(parseCounterDump(datagram, 8, other), { done: false });
    assert.equal(other.size, 0);
  });

  it('reports a dump the kernel broke off', () => {
    assert.deepEqual(parseCounterDump(answer(3, [], 2), 3, new Map()), { done: true, errno: 2 });
  });
});
