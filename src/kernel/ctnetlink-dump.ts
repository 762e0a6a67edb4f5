// Pure: the reading side of ctnetlink — the entries of a dump answer and of the event groups
// (same layout: CT_NEW for a dump entry, a new or an updated connection; CT_DELETE for a
// destroyed one). Apart from the writer (ctnetlink-codec.ts). One decoder walks the attributes
// in place into a reused EntryFields, numbers only: a dump of 100,000 entries makes no object
// per entry, per attribute or per tuple. parseEntry() turns the fields into a ConntrackEntry
// for the callers that keep entries.
import { AF_INET, errorOf, NFNL_PAYLOAD, NLM_F_CREATE, NLMSG_DONE, NLMSG_ERROR } from './nfnetlink-attrs.js';
import {
  CTA_IP_V4_DST,
  CTA_IP_V4_SRC,
  CTA_PROTO_DST_PORT,
  CTA_PROTO_NUM,
  CTA_PROTO_SRC_PORT,
  CTA_PROTOINFO,
  CTA_PROTOINFO_TCP,
  CTA_PROTOINFO_TCP_STATE,
  CTA_STATUS,
  CTA_TIMEOUT,
  CTA_TIMESTAMP,
  CTA_TIMESTAMP_START,
  CTA_TUPLE_IP,
  CTA_TUPLE_ORIG,
  CTA_TUPLE_PROTO,
  CTA_TUPLE_REPLY,
  IPCTNL_MSG_CT_DELETE,
  IPCTNL_MSG_CT_NEW,
  NFNL_SUBSYS_CTNETLINK,
  TCP_STATES,
  type ConntrackEntry,
  type ConntrackTuple,
} from './ctnetlink-attributes.js';

const NLA_TYPE_MASK = 0x3fff;
const MSG_NEW = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW;
const MSG_DELETE = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE;

/** One direction's tuple as numbers: addresses as unsigned 32-bit (network order read big-endian). */
export class TupleFields {
  src = 0;
  dst = 0;
  protocol = 0;
  sport = 0;
  dport = 0;
}

/** One entry, decoded in place; reused from entry to entry (copy what must outlive the visit). */
export class EntryFields {
  readonly orig = new TupleFields();
  readonly reply = new TupleFields();
  /** Where CTA_TUPLE_ORIG's payload lies in the datagram: the key a delete names. */
  origAt = 0;
  origEnd = 0;
  status = 0;
  /** -1: absent. */
  timeoutS = -1;
  /** Index into TCP_STATES; -1: the message carries no TCP state (an update of other fields). */
  tcpState = -1;
  /** ms since the epoch; -1: absent. */
  startMs = -1;
  /** The message's sequence number (0 for events). */
  seq = 0;
  /** A CT_DELETE: the entry is gone (destroy event). */
  deleted = false;
  /** A dump entry or a new-connection event (not an update, not a destroy). */
  created = false;
}

const u16le = (d: Uint8Array, a: number): number => d[a]! | (d[a + 1]! << 8);
const u16be = (d: Uint8Array, a: number): number => (d[a]! << 8) | d[a + 1]!;
const u32be = (d: Uint8Array, a: number): number => ((d[a]! << 24) | (d[a + 1]! << 16) | (d[a + 2]! << 8) | d[a + 3]!) >>> 0;
const align4 = (n: number): number => (n + 3) & ~3;

// Each walker reads one nesting level between `from` and `to`; a malformed length ends the
// level (the kernel wrote it) rather than throwing.
const readIp = (d: Uint8Array, from: number, to: number, t: TupleFields): void => {
  for (let a = from; a + 4 <= to;) {
    const len = u16le(d, a);
    if (len < 4 || a + len > to) return;
    const type = u16le(d, a + 2) & NLA_TYPE_MASK;
    if (len >= 8 && type === CTA_IP_V4_SRC) t.src = u32be(d, a + 4);
    else if (len >= 8 && type === CTA_IP_V4_DST) t.dst = u32be(d, a + 4);
    a += align4(len);
  }
};

const readProto = (d: Uint8Array, from: number, to: number, t: TupleFields): void => {
  for (let a = from; a + 4 <= to;) {
    const len = u16le(d, a);
    if (len < 4 || a + len > to) return;
    const type = u16le(d, a + 2) & NLA_TYPE_MASK;
    if (type === CTA_PROTO_NUM && len >= 5) t.protocol = d[a + 4]!;
    else if (type === CTA_PROTO_SRC_PORT && len >= 6) t.sport = u16be(d, a + 4);
    else if (type === CTA_PROTO_DST_PORT && len >= 6) t.dport = u16be(d, a + 4);
    a += align4(len);
  }
};

const readTuple = (d: Uint8Array, from: number, to: number, t: TupleFields): void => {
  t.src = t.dst = t.protocol = t.sport = t.dport = 0;
  for (let a = from; a + 4 <= to;) {
    const len = u16le(d, a);
    if (len < 4 || a + len > to) return;
    const type = u16le(d, a + 2) & NLA_TYPE_MASK;
    if (type === CTA_TUPLE_IP) readIp(d, a + 4, a + len, t);
    else if (type === CTA_TUPLE_PROTO) readProto(d, a + 4, a + len, t);
    a += align4(len);
  }
};

/** The first attribute of `type` in a level: where its payload starts, or -1 (its end is start - 4 + its length). */
const find = (d: Uint8Array, from: number, to: number, type: number): number => {
  for (let a = from; a + 4 <= to;) {
    const len = u16le(d, a);
    if (len < 4 || a + len > to) return -1;
    if ((u16le(d, a + 2) & NLA_TYPE_MASK) === type) return a + 4;
    a += align4(len);
  }
  return -1;
};
const endOf = (d: Uint8Array, payload: number): number => payload - 4 + u16le(d, payload - 4);

const readTcpState = (d: Uint8Array, from: number, to: number): number => {
  const tcp = find(d, from, to, CTA_PROTOINFO_TCP);
  if (tcp < 0) return -1;
  const state = find(d, tcp, endOf(d, tcp), CTA_PROTOINFO_TCP_STATE);
  return state < 0 ? -1 : d[state]!;
};

const readStartMs = (d: Uint8Array, from: number, to: number): number => {
  const a = find(d, from, to, CTA_TIMESTAMP_START);
  // ns since the epoch need 61 bits: two halves in doubles lose well under a millisecond.
  return a < 0 || endOf(d, a) - a < 8 ? -1 : Math.floor((u32be(d, a) * 2 ** 32 + u32be(d, a + 4)) / 1e6);
};

/**
 * Decodes the CT_NEW / CT_DELETE message lying between `from` and `to` into `f`; false when it
 * is not IPv4 or lacks a tuple (then `f` holds no entry).
 */
export const decodeEntry = (d: Uint8Array, from: number, to: number, f: EntryFields): boolean => {
  if (d[from + 16] !== AF_INET) return false;
  f.origAt = f.origEnd = f.status = 0;
  f.timeoutS = f.tcpState = f.startMs = -1;
  let reply = false;
  for (let a = from + NFNL_PAYLOAD; a + 4 <= to;) {
    const len = u16le(d, a);
    if (len < 4 || a + len > to) break;
    const p = a + 4;
    switch (u16le(d, a + 2) & NLA_TYPE_MASK) {
      case CTA_TUPLE_ORIG:
        readTuple(d, p, a + len, f.orig);
        f.origAt = p;
        f.origEnd = a + len;
        break;
      case CTA_TUPLE_REPLY:
        readTuple(d, p, a + len, f.reply);
        reply = true;
        break;
      case CTA_STATUS:
        if (len >= 8) f.status = u32be(d, p);
        break;
      case CTA_TIMEOUT:
        if (len >= 8) f.timeoutS = u32be(d, p);
        break;
      case CTA_PROTOINFO:
        f.tcpState = readTcpState(d, p, a + len);
        break;
      case CTA_TIMESTAMP:
        f.startMs = readStartMs(d, p, a + len);
        break;
    }
    a += align4(len);
  }
  return f.origEnd !== 0 && reply;
};

/** What a datagram's messages were: how many entries visited, and whether (how) a request ended. */
export interface DatagramEnd {
  /** NLMSG_DONE or NLMSG_ERROR of the request came. */
  done: boolean;
  /** The kernel refused the request, or the dump failed part way. */
  errno?: number;
}

/**
 * Visits each conntrack entry of a datagram, decoded into `f`: those of request `seq`, or with
 * `seq` undefined every one (events carry seq 0). Other messages are skipped.
 */
export const eachEntry = (datagram: Buffer, seq: number | undefined, f: EntryFields, visit: (f: EntryFields) => void): DatagramEnd => {
  const out: DatagramEnd = { done: false };
  const d = datagram;
  for (let at = 0; at + 16 <= d.length;) {
    const len = d.readUInt32LE(at);
    if (len < 16 || at + len > d.length) break;
    const type = u16le(d, at + 4);
    const mseq = d.readUInt32LE(at + 8);
    if (seq === undefined || mseq === seq) {
      if (type === MSG_NEW || type === MSG_DELETE) {
        if (decodeEntry(d, at, at + len, f)) {
          f.seq = mseq;
          f.deleted = type === MSG_DELETE;
          // Events come with seq 0; a new connection's with NLM_F_CREATE, an update's without.
          f.created = !f.deleted && (mseq !== 0 || (u16le(d, at + 6) & NLM_F_CREATE) !== 0);
          visit(f);
        }
      } else if (type === NLMSG_DONE || type === NLMSG_ERROR) {
        // Both carry an int: a dump that failed part way ends with a negative errno in its DONE.
        const errno = errorOf(d, { type, flags: 0, seq: mseq, at, end: at + len });
        if (errno !== 0) out.errno = errno;
        out.done = true;
      }
    }
    at += align4(len);
  }
  return out;
};

/** The dotted quad of an address read as an unsigned 32-bit number. */
export const ipv4Of = (n: number): string => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

const tupleOf = (t: TupleFields): ConntrackTuple => ({
  src: ipv4Of(t.src),
  dst: ipv4Of(t.dst),
  protocol: t.protocol,
  sport: t.sport,
  dport: t.dport,
});

/** The fields as an entry that outlives the visit; origKey is a view of `datagram`, not a copy. */
export const entryOf = (f: EntryFields, datagram: Buffer): ConntrackEntry => {
  const e: ConntrackEntry = {
    orig: tupleOf(f.orig),
    reply: tupleOf(f.reply),
    origKey: datagram.subarray(f.origAt, f.origEnd),
    status: f.status,
  };
  if (f.timeoutS >= 0) e.timeoutS = f.timeoutS;
  const state = TCP_STATES[f.tcpState];
  if (state) e.tcpState = state;
  if (f.startMs >= 0) e.startMs = f.startMs;
  return e;
};

const scratch = new EntryFields();

/** The entry a CT_NEW message of a dump describes, if it is IPv4 with both tuples. */
export const parseEntry = (d: Buffer, from: number, to: number): ConntrackEntry | undefined =>
  decodeEntry(d, from, to, scratch) ? entryOf(scratch, d) : undefined;

export interface DumpPart extends DatagramEnd {
  entries: ConntrackEntry[];
}

/** The entries of dump `seq` in one datagram; messages of other requests are skipped. */
export const parseDumpPart = (datagram: Buffer, seq: number): DumpPart => {
  const entries: ConntrackEntry[] = [];
  const end = eachEntry(datagram, seq, scratch, (f) => {
    // A CT_DELETE never answers a dump: only events carry it.
    if (!f.deleted) entries.push(entryOf(f, datagram));
  });
  return { entries, ...end };
};
