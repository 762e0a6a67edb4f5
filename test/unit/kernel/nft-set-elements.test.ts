import { strict as assert } from 'node:assert';
import { ipv4Key, ipv4PortKey, setElementBatch } from '../../../src/kernel/nft-set-elements.js';

/** The messages of a netlink datagram: [type, flags, seq, family, resId, body]. */
const messages = (buf: Buffer) => {
  const out: { type: number; flags: number; seq: number; family: number; resId: number; body: Buffer }[] = [];
  for (let at = 0; at < buf.length;) {
    const len = buf.readUInt32LE(at);
    out.push({
      type: buf.readUInt16LE(at + 4),
      flags: buf.readUInt16LE(at + 6),
      seq: buf.readUInt32LE(at + 8),
      family: buf[at + 16]!,
      resId: buf.readUInt16BE(at + 18),
      body: buf.subarray(at + 20, at + len),
    });
    at += (len + 3) & ~3;
  }
  return out;
};

describe('nftables set elements over nfnetlink', () => {
  it('encodes keys in nftables register layout', () => {
    assert.deepEqual(ipv4Key('198.18.7.100'), Buffer.from([198, 18, 7, 100]));
    // ipv4_addr . inet_service: the port in network order, padded to a whole 32-bit register.
    assert.deepEqual(ipv4PortKey('198.18.7.100', 7000), Buffer.from([198, 18, 7, 100, 0x1b, 0x58, 0, 0]));
  });

  it('frames changes as one batch, acknowledged per change', () => {
    const { batch, acks } = setElementBatch(
      [
        { op: 'delete', family: 'arp', table: 'arpha', set: 'standby_vips', key: ipv4Key('198.18.7.100'), label: 'v' },
        { op: 'add', family: 'ip', table: 'arpha_hold', set: 'held', key: ipv4PortKey('198.18.7.100', 7000), label: 'v . 7000' },
      ],
      40,
    );
    const m = messages(batch);
    assert.deepEqual(
      m.map((x) => x.type),
      [16, (10 << 8) | 30, (10 << 8) | 12, 17],
    );
    assert.deepEqual(
      m.map((x) => x.seq),
      [40, 41, 42, 43],
    );
    assert.deepEqual(acks, [41, 42]);
    assert.equal(m[0]!.resId, 10); // the batch names the nftables subsystem
    assert.deepEqual([m[1]!.family, m[2]!.family], [3, 2]); // NFPROTO_ARP, NFPROTO_IPV4
    assert.equal(m[1]!.flags, 0x1 | 0x4);
    assert.equal(m[2]!.flags, 0x1 | 0x4 | 0x400);
    // table, set, then elements > element > key > value
    const body = m[2]!.body;
    assert.equal(body.readUInt16LE(2), 1);
    assert.equal(body.subarray(4, 4 + 'arpha_hold'.length).toString(), 'arpha_hold');
    assert.ok(body.includes(Buffer.from([198, 18, 7, 100, 0x1b, 0x58, 0, 0])));
    assert.ok(body.includes(Buffer.from('held\0')));
  });
});
