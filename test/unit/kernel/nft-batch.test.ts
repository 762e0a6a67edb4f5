import { strict as assert } from 'node:assert';
import { nftBatch } from '../../../src/kernel/nft-batch.js';
import { numgenKey } from '../../../src/kernel/nft-rule-changes.js';
import { ipv4Key, ipv4PortKey } from '../../../src/kernel/nft-set-elements.js';

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
    const { batch, acks } = nftBatch(
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

  it('frames removing a table, flushing a chain and a map, and a ratio cycle rule as nft does, in one batch', () => {
    const { batch, acks } = nftBatch(
      [
        { kind: 'destroy-table', family: 'inet', table: 'fl_nemesis_p1' },
        { kind: 'flush-chain', family: 'ip', table: 'redirector', chain: 'svc_8080' },
        { kind: 'flush-set', family: 'ip', table: 'redirector', set: 'cycle_8080' },
        { kind: 'dnat-cycle', table: 'redirector', chain: 'svc_8080', map: 'cycle_8080', modulus: 3 },
      ],
      1,
    );
    const m = messages(batch);
    // DESTROYTABLE, DELRULE, DELSETELEM (no elements: all of them), NEWRULE
    assert.deepEqual(
      m.map((x) => x.type),
      [16, (10 << 8) | 26, (10 << 8) | 8, (10 << 8) | 14, (10 << 8) | 6, 17],
    );
    assert.deepEqual(acks, [2, 3, 4, 5]);
    assert.equal(m[1]!.family, 1, 'inet');
    assert.ok(m[1]!.body.includes(Buffer.from('fl_nemesis_p1\0')));
    assert.equal(m[4]!.flags, 0x1 | 0x4 | 0x400 | 0x800, 'appended, created, acknowledged');
    const rule = m[4]!.body;
    const at = (s: string) => rule.indexOf(Buffer.from(`${s}\0`));
    assert.ok(
      at('numgen') < at('lookup') && at('lookup') < at('nat') && at('numgen') > at('svc_8080'),
      'numgen, lookup, nat in that order',
    );
    assert.ok(rule.includes(Buffer.from([0, 0, 0, 3])), 'the modulus, big-endian');
    // numgen writes its register in host order, so the map's keys are too.
    assert.deepEqual(numgenKey(1), Buffer.from(new Uint8Array(new Uint32Array([1]).buffer)));
  });
});
