// Pure: the ctnetlink messages (linux/netfilter/nfnetlink_conntrack.h) an access table needs —
// a dump of the IPv4 table (filtered in the kernel by original destination when asked), the
// creation of a NAT'd entry the way `conntrack -I` builds it, a delete by original tuple. The
// entries of a dump answer are read in ctnetlink-dump.ts. Addresses, ports, status and timeouts
// travel big-endian.
import { NetlinkWriter, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_REQUEST } from './nfnetlink-attrs.js';
import {
  CTA_FILTER,
  CTA_FILTER_F_CTA_IP_DST,
  CTA_FILTER_ORIG_FLAGS,
  CTA_IP_V4_DST,
  CTA_IP_V4_SRC,
  CTA_NAT_DST,
  CTA_NAT_PROTO,
  CTA_NAT_SRC,
  CTA_NAT_V4_MAXIP,
  CTA_NAT_V4_MINIP,
  CTA_PROTO_DST_PORT,
  CTA_PROTO_NUM,
  CTA_PROTO_SRC_PORT,
  CTA_PROTOINFO,
  CTA_PROTOINFO_TCP,
  CTA_PROTOINFO_TCP_FLAGS_ORIGINAL,
  CTA_PROTOINFO_TCP_FLAGS_REPLY,
  CTA_PROTOINFO_TCP_STATE,
  CTA_PROTONAT_PORT_MAX,
  CTA_PROTONAT_PORT_MIN,
  CTA_STATUS,
  CTA_TIMEOUT,
  CTA_TUPLE_IP,
  CTA_TUPLE_ORIG,
  CTA_TUPLE_PROTO,
  CTA_TUPLE_REPLY,
  header,
  IP_CT_TCP_FLAG_BE_LIBERAL,
  IP_CT_TCP_FLAG_SACK_PERM,
  IPCTNL_MSG_CT_DELETE,
  IPCTNL_MSG_CT_GET,
  IPCTNL_MSG_CT_NEW,
  IPPROTO_TCP,
  IPS_CONFIRMED,
  TCP_STATES,
  type ConntrackNew,
  type ConntrackTuple,
  type NatTarget,
  type TcpState,
} from './ctnetlink-attributes.js';

// Callers name one module for ctnetlink: the numbers, the types and the dump reader come from here too.
export {
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPS_ASSURED,
  IPS_CONFIRMED,
  IPS_DST_NAT,
  IPS_SEEN_REPLY,
  IPS_SRC_NAT,
  TCP_STATES,
  type ConntrackEntry,
  type ConntrackNew,
  type ConntrackTuple,
  type NatTarget,
  type TcpState,
} from './ctnetlink-attributes.js';
export {
  decodeEntry,
  eachEntry,
  EntryFields,
  entryOf,
  ipv4Of,
  parseDumpPart,
  parseEntry,
  TupleFields,
  type DatagramEnd,
  type DumpPart,
} from './ctnetlink-dump.js';

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
