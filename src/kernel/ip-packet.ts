// Pure: whole IPv4 packets for a header-including raw socket (a source address that is not
// ours), and the ICMP "host unreachable" that quotes a TCP segment (RFC 792; RFC 6069 makes a
// TCP sender in retransmission backoff take one back for each such error about its oldest
// unacknowledged byte).
import { ipv4Bytes } from './inet-bytes.js';
import { tcpSegment, type TcpSegmentSpec } from './tcp-segment.js';

const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;
const ICMP_DEST_UNREACH = 3;
const ICMP_HOST_UNREACH = 1;

/** The internet checksum (RFC 1071) of `data`. */
export const internetChecksum = (data: Buffer): number => {
  let sum = 0;
  for (let i = 0; i + 1 < data.length; i += 2) sum += data.readUInt16BE(i);
  if (data.length % 2 === 1) sum += data[data.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
};

/** A 20-byte IPv4 header (no options, DF, TTL 64) followed by `payload`, checksummed. */
export const ipv4Packet = (src: string, dst: string, protocol: number, payload: Buffer): Buffer => {
  const p = Buffer.alloc(20 + payload.length);
  p[0] = 0x45;
  p.writeUInt16BE(p.length, 2);
  p.writeUInt16BE(0x4000, 6);
  p[8] = 64;
  p[9] = protocol;
  ipv4Bytes(src).copy(p, 12);
  ipv4Bytes(dst).copy(p, 16);
  p.writeUInt16BE(internetChecksum(p.subarray(0, 20)), 10);
  payload.copy(p, 20);
  return p;
};

/**
 * The segment an ICMP error is about: its sender (the endpoint the error goes to), receiver,
 * ports and sequence number (which the receiver of the error checks against its send window).
 */
export type QuotedSegment = Pick<TcpSegmentSpec, 'src' | 'dst' | 'srcPort' | 'dstPort' | 'seq'>;

/** ICMP destination unreachable (host) about a TCP segment: the ICMP message, without the IP header. */
export const hostUnreachable = (q: QuotedSegment): Buffer => {
  const tcp8 = Buffer.alloc(8);
  tcp8.writeUInt16BE(q.srcPort, 0);
  tcp8.writeUInt16BE(q.dstPort, 2);
  tcp8.writeUInt32BE(q.seq >>> 0, 4);
  // The quoted datagram: its IP header and the first 8 bytes of its TCP header.
  const quoted = ipv4Packet(q.src, q.dst, IPPROTO_TCP, tcp8);
  quoted.writeUInt16BE(40, 2);
  quoted.writeUInt16BE(0, 10);
  quoted.writeUInt16BE(internetChecksum(quoted.subarray(0, 20)), 10);
  const icmp = Buffer.alloc(8 + quoted.length);
  icmp[0] = ICMP_DEST_UNREACH;
  icmp[1] = ICMP_HOST_UNREACH;
  quoted.copy(icmp, 8);
  icmp.writeUInt16BE(internetChecksum(icmp), 2);
  return icmp;
};

export const IP_PROTOCOL = { icmp: IPPROTO_ICMP, tcp: IPPROTO_TCP } as const;

/**
 * The out-of-window ACK from `from` to `to`, as a whole IPv4 packet: the receiving end answers
 * it with an ACK that says exactly where it is (RFC 793 §3.9), rate-limited per socket.
 */
export const nudgePacket = (from: { ip: string; port: number }, to: { ip: string; port: number }, seq: number): Buffer =>
  ipv4Packet(
    from.ip,
    to.ip,
    IPPROTO_TCP,
    tcpSegment({ src: from.ip, dst: to.ip, srcPort: from.port, dstPort: to.port, seq, ack: seq, flags: { ack: true }, window: 65535 }),
  );
