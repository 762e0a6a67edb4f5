// TCP flows as the captures saw them: one summary per connection (Wireshark's tcp.stream) per
// capture point, read from the pcaps after the run (docs/flows.md). They measure any workload's
// traffic, not only the probe's, so the flow checks work for every workload kind.

/** An interval in which a direction of a flow delivered no new payload. Wall-clock ms. */
export interface FlowGap {
  startMs: number;
  endMs: number;
}

/** One direction of a flow (the bytes one side sent, as seen at the capture point). */
export interface FlowDirection {
  /** Payload bytes of packets that carried data not seen before in this direction. */
  newBytes: number;
  /** Packets Wireshark flagged `tcp.analysis.retransmission` (fast and spurious included). */
  retransmissions: number;
  /** The longest interval between two packets carrying new data (0 with fewer than two). */
  maxGapMs: number;
  /** Intervals between packets carrying new data longer than the analysis threshold (first 100). */
  gaps: FlowGap[];
  /** Periods from a zero-window advertisement by this side (`tcp.analysis.zero_window`) to its next non-zero window. */
  zeroWindows: FlowGap[];
  fins: number;
  resets: number;
}

export interface FlowSummary {
  /** The capture point, `node:iface`. */
  capture: string;
  /** Wireshark's conversation index in that capture (`tcp.stream`). */
  stream: number;
  /** `ip:port` of the side that sent the first SYN (else the higher port's side). */
  client: string;
  /** `ip:port` of the service the client connected to. */
  server: string;
  firstMs: number;
  lastMs: number;
  /** The client's SYN was captured (the flow started during the capture). */
  opened: boolean;
  /** The connection was set up: a SYN-ACK was seen, or payload flowed. */
  established: boolean;
  /** Opened after an earlier established flow from the same client host to the same service had ended. */
  reconnect: boolean;
  /** The first RST of the flow, when there was one. */
  resetMs?: number;
  c2s: FlowDirection;
  s2c: FlowDirection;
}
