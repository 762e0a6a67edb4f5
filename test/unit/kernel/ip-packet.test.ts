import { strict as assert } from 'node:assert';
import { hostUnreachable, internetChecksum, ipv4Packet } from '../../../src/kernel/ip-packet.js';

describe('IPv4 packets and ICMP errors', () => {
  it('computes the RFC 1071 checksum (odd lengths padded with a zero byte)', () => {
    // RFC 1071 §3's example words 0001 f203 f4f5 f6f7 sum to 0xddf2 (after the carry): checksum 0x220d.
    assert.equal(internetChecksum(Buffer.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])), 0x220d);
    assert.equal(internetChecksum(Buffer.from([0x01])), internetChecksum(Buffer.from([0x01, 0x00])));
  });

  it('builds a 20-byte header whose checksum verifies, then the payload', () => {
    const p = ipv4Packet('198.18.20.2', '198.18.20.101', 6, Buffer.from([1, 2, 3]));
    assert.equal(p.length, 23);
    assert.equal(p[0], 0x45);
    assert.equal(p.readUInt16BE(2), 23);
    assert.equal(p[9], 6);
    assert.deepEqual([...p.subarray(12, 20)], [198, 18, 20, 2, 198, 18, 20, 101]);
    assert.equal(internetChecksum(p.subarray(0, 20)), 0, 'a header with its checksum sums to zero');
    assert.deepEqual([...p.subarray(20)], [1, 2, 3]);
  });

  it('quotes the segment an ICMP host-unreachable is about: its IP header and ports and sequence number', () => {
    const icmp = hostUnreachable({ src: '198.18.20.2', dst: '198.18.20.101', srcPort: 40000, dstPort: 7000, seq: 0xdeadbeef });
    assert.deepEqual([icmp[0], icmp[1]], [3, 1], 'destination unreachable, host');
    assert.equal(internetChecksum(icmp), 0);
    const quoted = icmp.subarray(8);
    assert.equal(quoted.length, 28);
    assert.equal(quoted.readUInt16BE(2), 40, 'the quoted datagram claims a 20-byte TCP header');
    assert.equal(internetChecksum(quoted.subarray(0, 20)), 0);
    assert.deepEqual([...quoted.subarray(12, 20)], [198, 18, 20, 2, 198, 18, 20, 101]);
    assert.deepEqual([quoted.readUInt16BE(20), quoted.readUInt16BE(22), quoted.readUInt32BE(24)], [40000, 7000, 0xdeadbeef]);
  });
});
