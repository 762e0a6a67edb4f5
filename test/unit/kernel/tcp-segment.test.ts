import { strict as assert } from 'node:assert';
import { parseTcpPacket, tcpSegment } from '../../../src/kernel/tcp-segment.js';

describe('TCP segments: parsing what a raw socket delivers', () => {
  it('reads the header and the timestamp option of an IPv4 packet a raw socket delivers', () => {
    const seg = tcpSegment({
      src: '198.18.7.1',
      dst: '198.18.7.100',
      srcPort: 40000,
      dstPort: 7000,
      seq: 0xdeadbeef,
      ack: 12345,
      flags: { ack: true },
      window: 502,
    });
    // Append NOP NOP TS(10) and fix the data offset: 32-byte header.
    const opts = Buffer.from([1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 7]);
    const tcp = Buffer.concat([seg, opts]);
    tcp[12] = 8 << 4;
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + tcp.length, 2);
    ip[9] = 6;
    Buffer.from([198, 18, 7, 1, 198, 18, 7, 100]).copy(ip, 12);
    assert.deepEqual(parseTcpPacket(Buffer.concat([ip, tcp])), {
      src: '198.18.7.1',
      dst: '198.18.7.100',
      srcPort: 40000,
      dstPort: 7000,
      seq: 0xdeadbeef,
      ack: 12345,
      flags: { fin: false, syn: false, rst: false, ack: true },
      window: 502,
      payloadBytes: 0,
      tsVal: 9,
      tsEcr: 7,
    });
    assert.equal(parseTcpPacket(Buffer.concat([ip, tcp]).subarray(0, 30)), undefined, 'cut short');
    const udp = Buffer.from(ip);
    udp[9] = 17;
    assert.equal(parseTcpPacket(Buffer.concat([udp, tcp])), undefined, 'not TCP');
  });
});
