// Pure: the ctnetlink messages (linux/netfilter/nfnetlink_conntrack.h) an access table needs —
// a dump of the IPv4 table (filtered in the kernel by original destination when asked), the
// creation of a NAT'd entry the way `conntrack -I` builds it, a delete by original tuple — and
// the entries of a dump answer. Addresses, ports, status and timeouts travel big-endian.
import {
  AF_INET,
  eachMessage,
  errorOf,
  indexAttributes,
  NetlinkWriter,
  NFNL_PAYLOAD,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
} from './nfnetlink-attrs.js';
import { ipv4At } from './inet-bytes.js';

const NFNL_SUBSYS_CTNETLINK = 1;
const IPCTNL_MSG_CT_NEW = 0;
const IPCTNL_MSG_CT_GET = 1;
const IPCTNL_MSG_CT_DELETE = 2;

const CTA_TUPLE_ORIG = 1;
const CTA_TUPLE_REPLY = 2;
const CTA_STATUS = 3;
const CTA_PROTOINFO = 4;
const CTA_NAT_SRC = 6;
const CTA_TIMEOUT = 7;
const CTA_NAT_DST = 13;
const CTA_TIMESTAMP = 20;
const CTA_FILTER = 25;
const CTA_TUPLE_IP = 1;
const CTA_TUPLE_PROTO = 2;
const CTA_IP_V4_SRC = 1;
const CTA_IP_V4_DST = 2;
const CTA_PROTO_NUM = 1;
const CTA_PROTO_SRC_PORT = 2;
const CTA_PROTO_DST_PORT = 3;
const CTA_PROTOINFO_TCP = 1;
const CTA_PROTOINFO_TCP_STATE = 1;
const CTA_PROTOINFO_TCP_FLAGS_ORIGINAL = 4;
const CTA_PROTOINFO_TCP_FLAGS_REPLY = 5;
const CTA_TIMESTAMP_START = 1;
const CTA_NAT_V4_MINIP = 1;
const CTA_NAT_V4_MAXIP = 2;
const CTA_NAT_PROTO = 3;
const CTA_PROTONAT_PORT_MIN = 1;
const CTA_PROTONAT_PORT_MAX = 2;
const CTA_FILTER_ORIG_FLAGS = 1;
/** net/netfilter/nf_internals.h CTA_FILTER_FLAG(CTA_IP_DST): match the tuple's destination address. */
const CTA_FILTER_F_CTA_IP_DST = 1 << 1;
/** include/uapi/linux/netfilter/nf_conntrack_tcp.h IP_CT_TCP_FLAG_*. */
const IP_CT_TCP_FLAG_SACK_PERM = 0x02;
const IP_CT_TCP_FLAG_BE_LIBERAL = 0x08;

export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
/** include/uapi/linux/netfilter/nf_conntrack_common.h IPS_*. */
export const IPS_SEEN_REPLY = 1 << 1;
export const IPS_ASSURED = 1 << 2;
export const IPS_CONFIRMED = 1 << 3;
export const IPS_SRC_NAT = 1 << 4;
export const IPS_DST_NAT = 1 << 5;

/** TCP_CONNTRACK_* by value, named as `conntrack -L` prints them (libnetfilter_conntrack). */
const TCP_STATES = [
  'NONE',
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'TIME_WAIT',
  'CLOSE',
  'SYN_SENT2',
] as const;
export type TcpState = (typeof TCP_STATES)[number];

/** One direction of an IPv4 entry; ports are 0 for protocols without them. */
export interface ConntrackTuple {
  src: string;
  dst: string;
  protocol: number;
  sport: number;
  dport: number;
}

export interface ConntrackEntry {
  orig: ConntrackTuple;
  reply: ConntrackTuple;
  /** CTA_TUPLE_ORIG's payload as the kernel wrote it: what a delete names, whatever the protocol. */
  origKey: Buffer;
  status: number;
  timeoutS?: number;
  tcpState?: TcpState;
  /** Creation time with nf_conntrack_timestamp on: the kernel stamps ktime_get_real_ns(), wall-clock. */
  startMs?: number;
}

export interface NatTarget {
  ip: string;
  port: number;
}

/** An entry to create: the kernel derives the reply tuple from the NAT it is given. */
export interface ConntrackNew {
  orig: ConntrackTuple;
  /** IPS_* bits; IPS_CONFIRMED is added (the kernel refuses a status that would clear it). */
  status: number;
  timeoutS: number;
  tcpState?: TcpState;
  dnat?: NatTarget;
  snat?: NatTarget;
}

const header = (type: number, flags: number, seq: number) => ({ subsystem: NFNL_SUBSYS_CTNETLINK, type, flags, seq, family: AF_INET });

const writeTuple = (w: NetlinkWriter, type: number, src: string, dst: string, protocol: number, sport: number, dport: number): void => {
  const tuple = w.nest(type);
  const ip = w.nest(CTA_TUPLE_IP);
  w.ipv4(CTA_IP_V4_SRC, src);
  w.ipv4(CTA_IP_V4_DST, dst);
  w.endNest(ip);
  const proto = w.nest(CTA_TUPLE_PROTO);
  w.u8(CTA_PROTO_NUM, protocol);
  w.u16(CTA_PROTO_SRC_PORT, sport);
  w.u16(CTA_PROTO_DST_PORT, dport);
  w.endNest(proto);
  w.endNest(tuple);
};

// A single address and port: the kernel then takes exactly this mapping (PROTO_SPECIFIED with
// min = max) instead of searching for a free one.
const writeNat = (w: NetlinkWriter, type: number, to: NatTarget): void => {
  const n = w.nest(type);
  w.ipv4(CTA_NAT_V4_MINIP, to.ip);
  w.ipv4(CTA_NAT_V4_MAXIP, to.ip);
  const proto = w.nest(CTA_NAT_PROTO);
  w.u16(CTA_PROTONAT_PORT_MIN, to.port);
  w.u16(CTA_PROTONAT_PORT_MAX, to.port);
  w.endNest(proto);
  w.endNest(n);
};

// An entry created from user space has no window data: like `conntrack -I`, track it liberally
// in both directions (struct nf_ct_tcp_flags: flags, mask) so its next segments are not INVALID.
const LIBERAL = Buffer.of(IP_CT_TCP_FLAG_BE_LIBERAL | IP_CT_TCP_FLAG_SACK_PERM, IP_CT_TCP_FLAG_BE_LIBERAL | IP_CT_TCP_FLAG_SACK_PERM);

const writeTcpInfo = (w: NetlinkWriter, state: TcpState): void => {
  const info = w.nest(CTA_PROTOINFO);
  const tcp = w.nest(CTA_PROTOINFO_TCP);
  w.u8(CTA_PROTOINFO_TCP_STATE, TCP_STATES.indexOf(state));
  w.bytes(CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, LIBERAL);
  w.bytes(CTA_PROTOINFO_TCP_FLAGS_REPLY, LIBERAL);
  w.endNest(tcp);
  w.endNest(info);
};

/**
 * IPCTNL_MSG_CT_NEW as `conntrack -I` sends it: both tuples (the reply one the inverse of the
 * original), status, timeout, TCP state, then the NAT. The kernel sets up destination NAT, then
 * source NAT, rewriting the reply tuple and setting IPS_DST_NAT / IPS_SRC_NAT. EXCL: an entry
 * already there is refused with EEXIST rather than updated.
 */
export const writeCreate = (w: NetlinkWriter, e: ConntrackNew, seq: number): void => {
  const m = w.message(header(IPCTNL_MSG_CT_NEW, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, seq));
  const o = e.orig;
  writeTuple(w, CTA_TUPLE_ORIG, o.src, o.dst, o.protocol, o.sport, o.dport);
  writeTuple(w, CTA_TUPLE_REPLY, o.dst, o.src, o.protocol, o.dport, o.sport);
  w.u32(CTA_STATUS, e.status | IPS_CONFIRMED);
  w.u32(CTA_TIMEOUT, e.timeoutS);
  if (o.protocol === IPPROTO_TCP && e.tcpState) writeTcpInfo(w, e.tcpState);
  if (e.snat) writeNat(w, CTA_NAT_SRC, e.snat);
  if (e.dnat) writeNat(w, CTA_NAT_DST, e.dnat);
  w.endMessage(m);
};

/** IPCTNL_MSG_CT_DELETE of the entry whose original tuple is `origKey` (from a dump or tupleKey). */
export const writeDelete = (w: NetlinkWriter, origKey: Buffer, seq: number): void => {
  const m = w.message(header(IPCTNL_MSG_CT_DELETE, NLM_F_REQUEST | NLM_F_ACK, seq));
  const tuple = w.nest(CTA_TUPLE_ORIG);
  w.raw(origKey);
  w.endNest(tuple);
  w.endMessage(m);
};

const one = (write: (w: NetlinkWriter) => void): Buffer => {
  const w = new NetlinkWriter();
  write(w);
  return w.take();
};

export const createMessage = (e: ConntrackNew, seq: number): Buffer => one((w) => writeCreate(w, e, seq));

export const deleteMessage = (origKey: Buffer, seq: number): Buffer => one((w) => writeDelete(w, origKey, seq));

/** The key a delete names for a TCP or UDP tuple known by its fields rather than from a dump. */
export const tupleKey = (t: ConntrackTuple): Buffer =>
  one((w) => writeTuple(w, CTA_TUPLE_ORIG, t.src, t.dst, t.protocol, t.sport, t.dport)).subarray(4);

export interface DumpFilter {
  /** Only entries whose original destination is this address. */
  origDst?: string;
}

/**
 * A dump of the IPv4 table. With `origDst` the kernel (5.8+) skips other entries itself: a
 * CTA_FILTER whose orig flags select the destination address of the CTA_TUPLE_ORIG that comes
 * with it. Older kernels ignore the filter, so readers filter again.
 */
export const dumpMessage = (seq: number, filter: DumpFilter = {}): Buffer =>
  one((w) => {
    const m = w.message(header(IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_DUMP, seq));
    if (filter.origDst) {
      const tuple = w.nest(CTA_TUPLE_ORIG);
      const ip = w.nest(CTA_TUPLE_IP);
      w.ipv4(CTA_IP_V4_DST, filter.origDst);
      w.endNest(ip);
      w.endNest(tuple);
      const f = w.nest(CTA_FILTER);
      w.u32Host(CTA_FILTER_ORIG_FLAGS, CTA_FILTER_F_CTA_IP_DST);
      w.endNest(f);
    }
    w.endMessage(m);
  });

// One table per nesting level, reused: parsing is synchronous and never re-enters a level.
const entrySlots = new Int32Array(2 * (CTA_FILTER + 1));
const tupleSlots = new Int32Array(2 * (CTA_TUPLE_PROTO + 1));
const ipSlots = new Int32Array(2 * (CTA_IP_V4_DST + 1));
const protoSlots = new Int32Array(2 * (CTA_PROTO_DST_PORT + 1));
const innerSlots = new Int32Array(2 * (CTA_PROTOINFO_TCP_STATE + 1));
const has = (slots: Int32Array, type: number): boolean => slots[2 * type] !== 0;
const at = (slots: Int32Array, type: number): number => slots[2 * type]!;
const end = (slots: Int32Array, type: number): number => slots[2 * type + 1]!;

const parseTuple = (d: Buffer, from: number, to: number): ConntrackTuple => {
  indexAttributes(d, from, to, tupleSlots);
  const t: ConntrackTuple = { src: '', dst: '', protocol: 0, sport: 0, dport: 0 };
  if (has(tupleSlots, CTA_TUPLE_IP)) {
    indexAttributes(d, at(tupleSlots, CTA_TUPLE_IP), end(tupleSlots, CTA_TUPLE_IP), ipSlots);
    if (has(ipSlots, CTA_IP_V4_SRC)) t.src = ipv4At(d, at(ipSlots, CTA_IP_V4_SRC));
    if (has(ipSlots, CTA_IP_V4_DST)) t.dst = ipv4At(d, at(ipSlots, CTA_IP_V4_DST));
  }
  if (has(tupleSlots, CTA_TUPLE_PROTO)) {
    indexAttributes(d, at(tupleSlots, CTA_TUPLE_PROTO), end(tupleSlots, CTA_TUPLE_PROTO), protoSlots);
    if (has(protoSlots, CTA_PROTO_NUM)) t.protocol = d[at(protoSlots, CTA_PROTO_NUM)]!;
    if (has(protoSlots, CTA_PROTO_SRC_PORT)) t.sport = d.readUInt16BE(at(protoSlots, CTA_PROTO_SRC_PORT));
    if (has(protoSlots, CTA_PROTO_DST_PORT)) t.dport = d.readUInt16BE(at(protoSlots, CTA_PROTO_DST_PORT));
  }
  return t;
};

const tcpStateIn = (d: Buffer, from: number, to: number): TcpState | undefined => {
  indexAttributes(d, from, to, innerSlots);
  if (!has(innerSlots, CTA_PROTOINFO_TCP)) return undefined;
  indexAttributes(d, at(innerSlots, CTA_PROTOINFO_TCP), end(innerSlots, CTA_PROTOINFO_TCP), innerSlots);
  return has(innerSlots, CTA_PROTOINFO_TCP_STATE) ? TCP_STATES[d[at(innerSlots, CTA_PROTOINFO_TCP_STATE)]!] : undefined;
};

const startMsIn = (d: Buffer, from: number, to: number): number | undefined => {
  indexAttributes(d, from, to, innerSlots);
  if (!has(innerSlots, CTA_TIMESTAMP_START)) return undefined;
  const a = at(innerSlots, CTA_TIMESTAMP_START);
  // ns since the epoch need 61 bits: two halves in doubles lose well under a millisecond.
  return Math.floor((d.readUInt32BE(a) * 2 ** 32 + d.readUInt32BE(a + 4)) / 1e6);
};

/** The entry a CT_NEW message of a dump describes, if it is IPv4 with both tuples. */
export const parseEntry = (d: Buffer, from: number, to: number): ConntrackEntry | undefined => {
  if (d[from + 16] !== AF_INET) return undefined;
  const s = indexAttributes(d, from + NFNL_PAYLOAD, to, entrySlots);
  if (!has(s, CTA_TUPLE_ORIG) || !has(s, CTA_TUPLE_REPLY)) return undefined;
  // Read the top-level positions out before the nested reads reuse the other tables.
  const [origAt, origEnd, replyAt, replyEnd] = [
    at(s, CTA_TUPLE_ORIG),
    end(s, CTA_TUPLE_ORIG),
    at(s, CTA_TUPLE_REPLY),
    end(s, CTA_TUPLE_REPLY),
  ];
  const status = has(s, CTA_STATUS) ? d.readUInt32BE(at(s, CTA_STATUS)) : 0;
  const timeoutS = has(s, CTA_TIMEOUT) ? d.readUInt32BE(at(s, CTA_TIMEOUT)) : undefined;
  const tcpState = has(s, CTA_PROTOINFO) ? tcpStateIn(d, at(s, CTA_PROTOINFO), end(s, CTA_PROTOINFO)) : undefined;
  const startMs = has(s, CTA_TIMESTAMP) ? startMsIn(d, at(s, CTA_TIMESTAMP), end(s, CTA_TIMESTAMP)) : undefined;
  const e: ConntrackEntry = {
    orig: parseTuple(d, origAt, origEnd),
    reply: parseTuple(d, replyAt, replyEnd),
    origKey: d.subarray(origAt, origEnd),
    status,
  };
  if (timeoutS !== undefined) e.timeoutS = timeoutS;
  if (tcpState) e.tcpState = tcpState;
  if (startMs !== undefined) e.startMs = startMs;
  return e;
};

export interface DumpPart {
  entries: ConntrackEntry[];
  /** NLMSG_DONE of the dump came. */
  done: boolean;
  /** The kernel refused the dump, or it failed part way. */
  errno?: number;
}

/** The entries of dump `seq` in one datagram; messages of other requests are skipped. */
export const parseDumpPart = (datagram: Buffer, seq: number): DumpPart => {
  const part: DumpPart = { entries: [], done: false };
  eachMessage(datagram, (m) => {
    if (m.seq !== seq) return;
    if (m.type === ((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW)) {
      // The datagram buffer is the entry's: origKey is a view of it, not a copy.
      const e = parseEntry(datagram, m.at, m.end);
      if (e) part.entries.push(e);
    } else if (m.type === NLMSG_DONE || m.type === NLMSG_ERROR) {
      // Both carry an int: a dump that failed part way ends with a negative errno in its DONE.
      const errno = errorOf(datagram, m);
      if (errno !== 0) part.errno = errno;
      part.done = true;
    }
  });
  return part;
};
