// Pure: a bare TCP segment (20-byte header, no payload) with its checksum over the IPv4
// pseudo-header, for raw sockets that let the kernel write the IP header.

const ipWords = (ip: string): number[] => {
  const b = ip.split('.').map(Number);
  if (b.length !== 4 || b.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
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
  let sum = [...ipWords(s.src), ...ipWords(s.dst), 6, seg.length].reduce((a, w) => a + w, 0);
  for (let i = 0; i < seg.length; i += 2) sum += seg.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  seg.writeUInt16BE(~sum & 0xffff, 16);
  return seg;
};

/** True when the segment's checksum verifies (for tests and captures). */
export const tcpChecksumOk = (seg: Buffer, src: string, dst: string): boolean => {
  let sum = [...ipWords(src), ...ipWords(dst), 6, seg.length].reduce((a, w) => a + w, 0);
  for (let i = 0; i < seg.length; i += 2) sum += seg.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
};
