// Pure: the nfnetlink framing shared by NFQUEUE, ctnetlink and nftables set elements — a
// message header plus the nfgenmsg, type-length-value attributes (nested ones too), and walkers
// over what the kernel sends back (the message walkers and acksIn serve rtnetlink too). Netlink headers and attribute headers are in host order (little-endian here);
// nfnetlink payloads are big-endian, so scalar attributes are written big-endian unless said.
import { writeIpv4 } from './inet-bytes.js';

export const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLM_F_DUMP = 0x300;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const AF_INET = 2;
/** The nftables subsystem of nfnetlink. */
export const NFNL_SUBSYS_NFTABLES = 10;
/** nftables families by name (NFPROTO_*). */
export const NFT_FAMILY = { inet: 1, ip: 2, arp: 3 } as const;
export type NftFamily = keyof typeof NFT_FAMILY;
/** Set by the kernel on nests it writes (and by libmnl on nests it sends); not part of the type. */
const NLA_F_NESTED = 0x8000;
const NLA_TYPE_MASK = 0x3fff;
const NLMSG_HEADER = 16;
const NFGENMSG = 4;
/** Where a message's attributes start: netlink header plus nfgenmsg. */
export const NFNL_PAYLOAD = NLMSG_HEADER + NFGENMSG;

const align4 = (n: number): number => (n + 3) & ~3;

export interface NfnlHeader {
  subsystem: number;
  type: number;
  flags: number;
  seq: number;
  family?: number;
  /** nfgenmsg res_id (big-endian): the queue number for NFQUEUE, 0 elsewhere. */
  resId?: number;
}

/**
 * Writes messages and their attributes into one growing buffer: a batch of thousands of
 * requests costs one allocation instead of one per attribute. A message or a nest is opened,
 * filled and closed; closing writes its length. Padding is written as zeros.
 */
export class NetlinkWriter {
  private buffer: Buffer;
  private at = 0;

  constructor(initialBytes = 256) {
    this.buffer = Buffer.alloc(initialBytes);
  }

  /** Opens a message; returns the handle endMessage() needs. */
  message(h: NfnlHeader): number {
    const start = this.reserve(NFNL_PAYLOAD);
    const b = this.buffer;
    b.writeUInt16LE((h.subsystem << 8) | h.type, start + 4);
    b.writeUInt16LE(h.flags, start + 6);
    b.writeUInt32LE(h.seq >>> 0, start + 8);
    b.writeUInt32LE(0, start + 12);
    b[start + 16] = h.family ?? 0;
    b[start + 17] = 0; // NFNETLINK_V0
    b.writeUInt16BE(h.resId ?? 0, start + 18);
    return start;
  }

  endMessage(start: number): void {
    this.buffer.writeUInt32LE(this.at - start, start);
  }

  /** Opens a nested attribute; returns the handle endNest() needs. */
  nest(type: number): number {
    const start = this.reserve(4);
    this.buffer.writeUInt16LE(type | NLA_F_NESTED, start + 2);
    return start;
  }

  endNest(start: number): void {
    this.buffer.writeUInt16LE(this.at - start, start);
  }

  // Each writer takes the offset first: reserving may replace the buffer with a bigger one.
  u8(type: number, value: number): void {
    const at = this.attribute(type, 1);
    this.buffer[at] = value;
  }

  u16(type: number, value: number): void {
    const at = this.attribute(type, 2);
    this.buffer.writeUInt16BE(value, at);
  }

  u32(type: number, value: number): void {
    const at = this.attribute(type, 4);
    this.buffer.writeUInt32BE(value >>> 0, at);
  }

  /** For the few attributes the kernel reads with nla_get_u32 rather than as __be32. */
  u32Host(type: number, value: number): void {
    const at = this.attribute(type, 4);
    this.buffer.writeUInt32LE(value >>> 0, at);
  }

  ipv4(type: number, address: string): void {
    const at = this.attribute(type, 4);
    writeIpv4(this.buffer, at, address);
  }

  bytes(type: number, payload: Uint8Array): void {
    const at = this.attribute(type, payload.length);
    this.buffer.set(payload, at);
  }

  /** Attributes already encoded (e.g. a tuple as a dump gave it), copied as they are. */
  raw(attributes: Uint8Array): void {
    const at = this.reserve(attributes.length);
    this.buffer.set(attributes, at);
  }

  /** Drops whatever was written (a batch abandoned half way). */
  reset(): void {
    this.at = 0;
  }

  /** A copy of everything written; the writer starts empty again. */
  take(): Buffer {
    const out = Buffer.from(this.buffer.subarray(0, this.at));
    this.at = 0;
    return out;
  }

  /** Room for an attribute header and `length` payload bytes (padded); returns where the payload goes. */
  private attribute(type: number, length: number): number {
    const start = this.reserve(4 + length);
    this.buffer.writeUInt16LE(4 + length, start);
    this.buffer.writeUInt16LE(type, start + 2);
    return start + 4;
  }

  private reserve(length: number): number {
    const start = this.at;
    const end = start + align4(length);
    if (end > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, end));
      this.buffer.copy(grown, 0, 0, start);
      this.buffer = grown;
    }
    // At most 3 bytes of padding: a loop costs less than Buffer.fill's argument checks.
    for (let i = start + length; i < end; i++) this.buffer[i] = 0;
    this.at = end;
    return start;
  }
}

/** One netlink message of a datagram: its type, flags and seq, and where it lies in `data`. */
export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  at: number;
  end: number;
}

/** Visits each whole message of a datagram; a truncated tail is ignored. */
export const eachMessage = (data: Buffer, visit: (m: NetlinkMessage) => void): void => {
  for (let at = 0; at + NLMSG_HEADER <= data.length;) {
    const len = data.readUInt32LE(at);
    if (len < NLMSG_HEADER || at + len > data.length) return;
    visit({ type: data.readUInt16LE(at + 4), flags: data.readUInt16LE(at + 6), seq: data.readUInt32LE(at + 8), at, end: at + len });
    at += align4(len);
  }
};

/** The errno an NLMSG_ERROR (or NLMSG_DONE) message carries: 0 for success. */
export const errorOf = (data: Buffer, m: NetlinkMessage): number =>
  m.end - m.at >= NLMSG_HEADER + 4 ? -data.readInt32LE(m.at + NLMSG_HEADER) || 0 : 0;

/** One acknowledgement (NLMSG_ERROR): the request's sequence number and its errno (0: done). */
export interface Ack {
  seq: number;
  errno: number;
}

/** Every acknowledgement in a datagram, in order. */
export const acksIn = (datagram: Buffer): Ack[] => {
  const acks: Ack[] = [];
  eachMessage(datagram, (m) => {
    if (m.type === NLMSG_ERROR) acks.push({ seq: m.seq, errno: errorOf(datagram, m) });
  });
  return acks;
};

/**
 * Visits each attribute between `from` and `to` with its type (nested flag cleared) and where
 * its payload lies. Malformed lengths end the walk rather than throw: the kernel wrote it.
 */
export const eachAttribute = (data: Buffer, from: number, to: number, visit: (type: number, at: number, end: number) => void): void => {
  for (let a = from; a + 4 <= to;) {
    const len = data.readUInt16LE(a);
    if (len < 4 || a + len > to) return;
    visit(data.readUInt16LE(a + 2) & NLA_TYPE_MASK, a + 4, a + len);
    a += align4(len);
  }
};

/**
 * Where each attribute between `from` and `to` lies, by type: `slots[2 * type]` is where its
 * payload starts and `slots[2 * type + 1]` where it ends; both 0 when it is absent (a payload
 * never starts at 0: headers come first). Types beyond the table are skipped. Reading a nest
 * this way costs no closure per attribute, which counts over a dump of 10,000 entries.
 */
export const indexAttributes = (data: Buffer, from: number, to: number, slots: Int32Array): Int32Array => {
  slots.fill(0);
  for (let a = from; a + 4 <= to;) {
    const len = data.readUInt16LE(a);
    if (len < 4 || a + len > to) break;
    const slot = 2 * (data.readUInt16LE(a + 2) & NLA_TYPE_MASK);
    if (slot + 1 < slots.length) {
      slots[slot] = a + 4;
      slots[slot + 1] = a + len;
    }
    a += align4(len);
  }
  return slots;
};
