// Pure: the reading side of ctnetlink — the entries of a dump answer. Apart from the writer
// (ctnetlink-codec.ts): this half carries the reused index tables and the care about nesting levels
// that writing never needs.
import { AF_INET, eachMessage, errorOf, indexAttributes, NFNL_PAYLOAD, NLMSG_DONE, NLMSG_ERROR } from './nfnetlink-attrs.js';
import { ipv4At } from './inet-bytes.js';
import {
  CTA_FILTER,
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
  IPCTNL_MSG_CT_NEW,
  NFNL_SUBSYS_CTNETLINK,
  TCP_STATES,
  type ConntrackEntry,
  type ConntrackTuple,
  type TcpState,
} from './ctnetlink-attributes.js';

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
