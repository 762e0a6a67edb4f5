// The numbers of linux/netfilter/nfnetlink_conntrack.h and the entry types, apart from the code:
// both the writer (ctnetlink-codec.ts) and the dump reader (ctnetlink-dump.ts) name them, and
// neither should depend on the other to get them.
import { AF_INET } from './nfnetlink-attrs.js';

export const NFNL_SUBSYS_CTNETLINK = 1;
export const IPCTNL_MSG_CT_NEW = 0;
export const IPCTNL_MSG_CT_GET = 1;
export const IPCTNL_MSG_CT_DELETE = 2;

export const CTA_TUPLE_ORIG = 1;
export const CTA_TUPLE_REPLY = 2;
export const CTA_STATUS = 3;
export const CTA_PROTOINFO = 4;
export const CTA_NAT_SRC = 6;
export const CTA_TIMEOUT = 7;
export const CTA_NAT_DST = 13;
export const CTA_TIMESTAMP = 20;
export const CTA_FILTER = 25;
export const CTA_TUPLE_IP = 1;
export const CTA_TUPLE_PROTO = 2;
export const CTA_IP_V4_SRC = 1;
export const CTA_IP_V4_DST = 2;
export const CTA_PROTO_NUM = 1;
export const CTA_PROTO_SRC_PORT = 2;
export const CTA_PROTO_DST_PORT = 3;
export const CTA_PROTOINFO_TCP = 1;
export const CTA_PROTOINFO_TCP_STATE = 1;
export const CTA_PROTOINFO_TCP_FLAGS_ORIGINAL = 4;
export const CTA_PROTOINFO_TCP_FLAGS_REPLY = 5;
export const CTA_TIMESTAMP_START = 1;
export const CTA_NAT_V4_MINIP = 1;
export const CTA_NAT_V4_MAXIP = 2;
export const CTA_NAT_PROTO = 3;
export const CTA_PROTONAT_PORT_MIN = 1;
export const CTA_PROTONAT_PORT_MAX = 2;
export const CTA_FILTER_ORIG_FLAGS = 1;
/** net/netfilter/nf_internals.h CTA_FILTER_FLAG(CTA_IP_DST): match the tuple's destination address. */
export const CTA_FILTER_F_CTA_IP_DST = 1 << 1;
/** include/uapi/linux/netfilter/nf_conntrack_tcp.h IP_CT_TCP_FLAG_*. */
export const IP_CT_TCP_FLAG_SACK_PERM = 0x02;
export const IP_CT_TCP_FLAG_BE_LIBERAL = 0x08;

export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
/** include/uapi/linux/netfilter/nf_conntrack_common.h IPS_*. */
export const IPS_SEEN_REPLY = 1 << 1;
export const IPS_ASSURED = 1 << 2;
export const IPS_CONFIRMED = 1 << 3;
export const IPS_SRC_NAT = 1 << 4;
export const IPS_DST_NAT = 1 << 5;

/** TCP_CONNTRACK_* by value, named as `conntrack -L` prints them (libnetfilter_conntrack). */
export const TCP_STATES = [
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

/** The nfnetlink header of a ctnetlink message on the IPv4 table. */
export const header = (type: number, flags: number, seq: number) => ({
  subsystem: NFNL_SUBSYS_CTNETLINK,
  type,
  flags,
  seq,
  family: AF_INET,
});
