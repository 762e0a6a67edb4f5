// Pure: a bare TCP segment (20-byte header, no payload) with its checksum over the IPv4
// pseudo-header, for raw sockets that let the kernel write the IP header.
import { ipv4At, ipv4Bytes } from './inet-bytes.js';

/** The ones'-complement sum over the IPv4 pseudo-header and the segment, folded to 16 bits. */
const checksumSum = (seg: Buffer, src: string, dst: string): number => {
  const pseudo = Buffer.concat([ipv4Bytes(src), ipv4Bytes(dst), Buffer.from([0, 6]), Buffer.from([seg.length >> 8, seg.length & 0xff])]);
  let sum = 0;
  for (const b of [pseudo, seg]) for (let i = 0; i < b.length; i += 2) sum += b.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
};

/** What a segment's header says (with its addresses), whether built here or parsed. */
interface TcpHeaderFields {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  window: number;
}

export interface TcpSegmentSpec extends TcpHeaderFields {
  flags: { ack?: boolean; rst?: boolean; syn?: boolean; fin?: boolean; psh?: boolean };
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

export interface ParsedTcp extends TcpHeaderFields {
  flags: { fin: boolean; syn: boolean; rst: boolean; ack: boolean };
  /** The timestamp option, when present. */
  tsVal?: number;
  tsEcr?: number;
  payloadBytes: number;
}

/** Pure: an IPv4 packet carrying TCP (as a raw socket delivers it) → the header fields; undefined when it is not one or is cut short. */
export const parseTcpPacket = (ip: Buffer): ParsedTcp | undefined => {
  if (ip.length < 20 || ip[0]! >> 4 !== 4 || ip[9] !== 6) return undefined;
  const ihl = (ip[0]! & 0x0f) * 4;
  const total = Math.min(ip.readUInt16BE(2), ip.length);
  if (total < ihl + 20) return undefined;
  const tcp = ip.subarray(ihl, total);
  const dataOffset = (tcp[12]! >> 4) * 4;
  if (dataOffset < 20 || dataOffset > tcp.length) return undefined;
  const f = tcp[13]!;
  const parsed: ParsedTcp = {
    src: ipv4At(ip, 12),
    dst: ipv4At(ip, 16),
    srcPort: tcp.readUInt16BE(0),
    dstPort: tcp.readUInt16BE(2),
    seq: tcp.readUInt32BE(4),
    ack: tcp.readUInt32BE(8),
    flags: { fin: (f & 1) !== 0, syn: (f & 2) !== 0, rst: (f & 4) !== 0, ack: (f & 16) !== 0 },
    window: tcp.readUInt16BE(14),
    payloadBytes: tcp.length - dataOffset,
  };
  // Options: kind 0 ends, kind 1 pads, every other kind carries its length.
  for (let i = 20; i < dataOffset;) {
    const kind = tcp[i]!;
    if (kind === 0) break;
    if (kind === 1) {
      i++;
      continue;
    }
    const len = tcp[i + 1] ?? 0;
    if (len < 2 || i + len > dataOffset) break;
    if (kind === 8 && len === 10) {
      parsed.tsVal = tcp.readUInt32BE(i + 2);
      parsed.tsEcr = tcp.readUInt32BE(i + 6);
    }
    i += len;
  }
  return parsed;
};
