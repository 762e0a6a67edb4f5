// Pure: a bare TCP segment (20-byte header, no payload) with its checksum over the IPv4
// pseudo-header, for raw sockets that let the kernel write the IP header.
import { ipv4Bytes } from './inet-bytes.js';

/** The ones'-complement sum over the IPv4 pseudo-header and the segment, folded to 16 bits. */
const checksumSum = (seg: Buffer, src: string, dst: string): number => {
  const pseudo = Buffer.concat([ipv4Bytes(src), ipv4Bytes(dst), Buffer.from([0, 6]), Buffer.from([seg.length >> 8, seg.length & 0xff])]);
  let sum = 0;
  for (const b of [pseudo, seg]) for (let i = 0; i < b.length; i += 2) sum += b.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
};

export interface TcpSegmentSpec {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: { ack?: boolean; rst?: boolean; syn?: boolean; fin?: boolean; psh?: boolean };
  window: number;
}

export const tcpSegment = (s: TcpSegmentSpec): Buffer => {
  const seg = Buffer.alloc(20);
  seg.writeUInt16BE(s.srcPort, 0);
  seg.writeUInt16BE(s.dstPort, 2);
  seg.writeUInt32BE(s.seq >>> 0, 4);
  seg.writeUInt32BE(s.ack >>> 0, 8);
  seg[12] = 5 << 4; // data offset: 5 words
  seg[13] = (s.flags.fin ? 1 : 0) | (s.flags.syn ? 2 : 0) | (s.flags.rst ? 4 : 0) | (s.flags.psh ? 8 : 0) | (s.flags.ack ? 16 : 0);
  seg.writeUInt16BE(s.window, 14);
  seg.writeUInt16BE(~checksumSum(seg, s.src, s.dst) & 0xffff, 16);
  return seg;
};

/** True when the segment's checksum verifies (for tests and captures). */
export const tcpChecksumOk = (seg: Buffer, src: string, dst: string): boolean => checksumSum(seg, src, dst) === 0xffff;
