// The merged history of one scenario run (Jepsen's idea): every fault, probe event and
// daemon event on one wall clock (all lab containers share the host clock). The run only
// appends; checkers and reports only read, so they can be re-run on a stored history.
import type { ProbeEvent, StreamSummary } from '../../probe/probe-report.js';
import type { FlowSummary } from './flow-types.js';

export type { FlowDirection, FlowGap, FlowSummary } from './flow-types.js';

export interface FaultEntry {
  t: number;
  kind: 'fault';
  phase: 'start' | 'end';
  /** Unique per fault instance within a run, e.g. `flap-1`. */
  id: string;
  /** The nemesis, e.g. `link-flap`, `partition`, `crash`, `kill-process`. */
  fault: string;
  targets: string[];
  detail?: string;
}

export interface ProbeEntry {
  t: number;
  kind: 'probe';
  /** The lab node the probe process ran on. */
  node: string;
  /** Which workload of the scenario the probe belongs to. */
  workload: string;
  event: ProbeEvent;
}

export interface DaemonEntry {
  t: number;
  kind: 'daemon';
  node: string;
  daemon: string;
  event: string;
  data: Record<string, unknown>;
}

export interface RunnerEntry {
  t: number;
  kind: 'runner';
  /** deployed, workload-started, workload-stopped, collected, destroyed, error, warning, or a step of its own. */
  event: string;
  detail?: string;
}

/** The fields of one ARP packet for IPv4 over Ethernet, as seen on the wire. */
export interface ArpFields {
  /** Ethernet source, lower-case colon form (`02:00:5e:00:02:01`). */
  ethSrc: string;
  /** Ethernet destination; absent from Linux cooked captures, which record only the source. */
  ethDst?: string;
  /** The 802.1Q VLAN id when the frame carried a tag. */
  vlan?: number;
  op: 'request' | 'reply' | number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
  /** Sender IP = target IP: an announcement (RFC 5227), which Linux neighbours take as gratuitous. */
  gratuitous: boolean;
}

/** The addresses (and TCP/UDP ports, TCP flags) of one captured IPv4 packet. */
export interface Ipv4Fields {
  src: string;
  dst: string;
  protocol: number;
  srcPort?: number;
  dstPort?: number;
  /** TCP flags as letters, tcpdump's way: S, F, R, P, A (e.g. `SA`). */
  flags?: string;
}

/**
 * One captured packet of interest, read from a capture point's pcap after the run. ARP always
 * (it is what moves a service address, and rare); IPv4 only from a capture with a filter
 * (`capture.filter`), which keeps the probe's own TCP data out of the history.
 */
interface PacketBase {
  t: number;
  kind: 'packet';
  /** The capture point: the node and interface tcpdump ran on. */
  node: string;
  iface: string;
}
export interface ArpPacketEntry extends PacketBase {
  proto: 'arp';
  arp: ArpFields;
}
export interface Ipv4PacketEntry extends PacketBase {
  proto: 'ipv4';
  ip: Ipv4Fields;
}
export type PacketEntry = ArpPacketEntry | Ipv4PacketEntry;

/**
 * One per Ethernet source address a capture point saw (of any frame, not only ARP): when it was
 * first seen and in how many frames. Says which MACs a link carried (e.g. no server MAC on the
 * clients' side of a shared NIC) without an entry per frame.
 */
export interface SourceMacEntry {
  t: number;
  kind: 'packet';
  node: string;
  iface: string;
  proto: 'ether';
  srcMac: string;
  frames: number;
  /** The last of those frames (t is the first). */
  lastT: number;
}

/**
 * One per IPv4 address a capture point saw in any packet's header, as source or destination:
 * when it was first and last seen and in how many packets. Says which addresses a link carried (e.g. no
 * server-internal address on the clients' side of a shared NIC) without an entry per packet.
 */
export interface Ipv4AddressEntry {
  t: number;
  kind: 'packet';
  node: string;
  iface: string;
  proto: 'ipv4-address';
  address: string;
  packets: number;
  /** The last of those packets (t is the first): "nothing after X" can be judged on it. */
  lastT: number;
}

export type HistoryEntry = FaultEntry | ProbeEntry | DaemonEntry | RunnerEntry | PacketEntry | SourceMacEntry | Ipv4AddressEntry;

/** Per-stream final figures of one workload, with where they came from. */
export interface WorkloadStreamSummary extends StreamSummary {
  workload: string;
  node: string;
}

export interface RunHistory {
  /** Sorted by `t` (stable for equal times). */
  entries: HistoryEntry[];
  streams: WorkloadStreamSummary[];
  /** TCP flows read from the captures after the run; absent when nothing was captured or read. */
  flows?: FlowSummary[];
  startMs: number;
  endMs: number;
}
