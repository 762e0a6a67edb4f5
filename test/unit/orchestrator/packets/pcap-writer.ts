// Builds pcap bytes and frames in tests, so the reader and decoder are tested against bytes
// laid out by hand from the format documents rather than against their own output.

export interface WriteOptions {
  littleEndian?: boolean;
  nanoseconds?: boolean;
  linkType?: number;
  snapLen?: number;
}

export interface Packet {
  /** Wall-clock ms; sub-ms part kept to µs (or ns) precision. */
  tMs: number;
  data: Buffer;
}

/** A classic pcap file holding the packets, in the byte order and precision asked for. */
export function writePcap(packets: readonly Packet[], o: WriteOptions = {}): Buffer {
  const le = o.littleEndian ?? true;
  const header = Buffer.alloc(24);
  const u32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  const u16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  u32(header, o.nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(header, 2, 4);
  u16(header, 4, 6);
  u32(header, o.snapLen ?? 262144, 16);
  u32(header, o.linkType ?? 1, 20);
  const records = packets.map((p) => {
    const r = Buffer.alloc(16);
    const seconds = Math.floor(p.tMs / 1000);
    const fraction = Math.round((p.tMs - seconds * 1000) * (o.nanoseconds ? 1e6 : 1e3));
    u32(r, seconds, 0);
    u32(r, fraction, 4);
    u32(r, p.data.length, 8);
    u32(r, p.data.length, 12);
    return Buffer.concat([r, p.data]);
  });
  return Buffer.concat([header, ...records]);
}

export const macBytes = (mac: string): Buffer => Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
export const ipBytes = (ip: string): Buffer => Buffer.from(ip.split('.').map(Number));

export interface ArpSpec {
  op: number;
  senderMac: string;
  senderIp: string;
  targetMac?: string;
  targetIp: string;
  ethDst?: string;
  vlan?: number;
}

/** The 28-byte ARP payload for IPv4 over Ethernet. */
export function arpPayload(a: ArpSpec): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(1, 0);
  head.writeUInt16BE(0x0800, 2);
  head[4] = 6;
  head[5] = 4;
  head.writeUInt16BE(a.op, 6);
  return Buffer.concat([
    head,
    macBytes(a.senderMac),
    ipBytes(a.senderIp),
    macBytes(a.targetMac ?? '00:00:00:00:00:00'),
    ipBytes(a.targetIp),
  ]);
}

/** An Ethernet frame (optionally 802.1Q-tagged) carrying the ARP packet, padded to 60 bytes as on the wire. */
export function arpFrame(a: ArpSpec): Buffer {
  return ethFrame(a.ethDst ?? 'ff:ff:ff:ff:ff:ff', a.senderMac, 0x0806, arpPayload(a), a.vlan);
}

export function ethFrame(dst: string, src: string, etherType: number, payload: Buffer, vlan?: number): Buffer {
  const type = Buffer.alloc(2);
  type.writeUInt16BE(etherType);
  const tag = vlan === undefined ? Buffer.alloc(0) : Buffer.from([0x81, 0x00, (vlan >> 8) & 0x0f, vlan & 0xff]);
  const frame = Buffer.concat([macBytes(dst), macBytes(src), tag, type, payload]);
  return frame.length >= 60 ? frame : Buffer.concat([frame, Buffer.alloc(60 - frame.length)]);
}

/** A Linux cooked (SLL v1) frame: packet type, ARPHRD_ETHER, the source address, protocol. */
export function sllFrame(packetType: number, src: string, etherType: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(packetType, 0);
  h.writeUInt16BE(1, 2);
  h.writeUInt16BE(6, 4);
  macBytes(src).copy(h, 6);
  h.writeUInt16BE(etherType, 14);
  return Buffer.concat([h, payload]);
}

/** A Linux cooked v2 (SLL2) frame. */
export function sll2Frame(packetType: number, src: string, etherType: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(etherType, 0);
  h.writeUInt32BE(7, 4);
  h.writeUInt16BE(1, 8);
  h[10] = packetType;
  h[11] = 6;
  macBytes(src).copy(h, 12);
  return Buffer.concat([h, payload]);
}

/** Something that is not ARP: an IPv4/TCP-looking frame of probe data. */
export const tcpFrame = (src: string, dst: string): Buffer => ethFrame(dst, src, 0x0800, Buffer.alloc(1400, 0x45));
