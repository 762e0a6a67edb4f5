// Packets → one summary per TCP flow. What Wireshark already judges (conversation, retransmission,
// zero window) comes in on the packets; what it lacks is computed here: payload gaps per
// direction (intervals between packets carrying data not seen before, as an application feels
// them), zero-window periods, and reconnects (a new connection to the same service after an
// earlier one from the same client host ended). Pure, so it is tested on captured tshark output.
import type { FlowDirection, FlowSummary } from '../history/flow-types.js';
import type { TcpPacket } from './tshark-fields.js';

/** Gaps longer than this are listed; the probe's own default gap threshold, so the two compare. */
export const FLOW_GAP_THRESHOLD_MS = 100;
/** A flow that stalls and resumes for an hour must not grow report.json without bound. */
const MAX_LISTED = 100;

class DirectionTracker {
  readonly figures: FlowDirection = { newBytes: 0, retransmissions: 0, maxGapMs: 0, gaps: [], zeroWindows: [], fins: 0, resets: 0 };
  private highestEnd: number | undefined;
  private lastNewMs: number | undefined;
  private zeroSinceMs: number | undefined;

  constructor(private readonly thresholdMs: number) {}

  add(p: TcpPacket): void {
    const f = this.figures;
    if (p.retransmission) f.retransmissions++;
    if (p.fin) f.fins++;
    if (p.rst) f.resets++;
    if (p.zeroWindow && this.zeroSinceMs === undefined) this.zeroSinceMs = p.tMs;
    else if (!p.zeroWindow && p.window > 0 && !p.rst && this.zeroSinceMs !== undefined) this.closeZeroWindow(p.tMs);
    const end = p.seq + p.len;
    // New data: bytes beyond any seen before. A retransmission of bytes the capture never saw
    // (lost before the capture point) is new here, as it is to the receiver behind it.
    if (p.len > 0 && (this.highestEnd === undefined || end > this.highestEnd)) {
      f.newBytes += end - Math.max(p.seq, this.highestEnd ?? p.seq);
      this.highestEnd = end;
      if (this.lastNewMs !== undefined) this.interval(this.lastNewMs, p.tMs);
      this.lastNewMs = p.tMs;
    }
  }

  finish(lastMs: number): FlowDirection {
    if (this.zeroSinceMs !== undefined) this.closeZeroWindow(lastMs);
    return this.figures;
  }

  private interval(startMs: number, endMs: number): void {
    const ms = endMs - startMs;
    this.figures.maxGapMs = Math.max(this.figures.maxGapMs, round(ms));
    if (ms > this.thresholdMs && this.figures.gaps.length < MAX_LISTED)
      this.figures.gaps.push({ startMs: round(startMs), endMs: round(endMs) });
  }

  private closeZeroWindow(endMs: number): void {
    if (this.figures.zeroWindows.length < MAX_LISTED)
      this.figures.zeroWindows.push({ startMs: round(this.zeroSinceMs!), endMs: round(endMs) });
    this.zeroSinceMs = undefined;
  }
}

// Microseconds are what a capture resolves; more digits are float noise in report.json.
const round = (ms: number): number => Math.round(ms * 1000) / 1000;

const portOf = (endpoint: string): number => Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
const hostOf = (endpoint: string): string => endpoint.slice(0, endpoint.lastIndexOf(':'));

/** The side that sent the first bare SYN; without one (the flow predates the capture) the higher port's. */
function clientOf(packets: readonly TcpPacket[]): { client: string; server: string; opened: boolean } {
  const syn = packets.find((p) => p.syn && !p.ack);
  if (syn) return { client: syn.src, server: syn.dst, opened: true };
  const first = packets[0]!; // a flow has at least one packet
  const srcIsClient = portOf(first.src) >= portOf(first.dst);
  return { client: srcIsClient ? first.src : first.dst, server: srcIsClient ? first.dst : first.src, opened: false };
}

function summarise(capture: string, stream: number, packets: readonly TcpPacket[], thresholdMs: number): FlowSummary {
  const { client, server, opened } = clientOf(packets);
  const c2s = new DirectionTracker(thresholdMs);
  const s2c = new DirectionTracker(thresholdMs);
  let established = false;
  let resetMs: number | undefined;
  for (const p of packets) {
    (p.src === client ? c2s : s2c).add(p);
    if ((p.syn && p.ack) || p.len > 0) established = true;
    if (p.rst && resetMs === undefined) resetMs = round(p.tMs);
  }
  const firstMs = round(packets[0]!.tMs);
  const lastMs = round(packets[packets.length - 1]!.tMs);
  return {
    capture,
    stream,
    client,
    server,
    firstMs,
    lastMs,
    opened,
    established,
    reconnect: false,
    ...(resetMs === undefined ? {} : { resetMs }),
    c2s: c2s.finish(lastMs),
    s2c: s2c.finish(lastMs),
  };
}

/** When a flow was over for its client: its first FIN or RST, else its last packet. */
function endedMs(flow: FlowSummary, packets: readonly TcpPacket[]): number {
  const close = packets.find((p) => p.fin || p.rst);
  return close ? close.tMs : flow.lastMs;
}

/**
 * The flows of one capture point, by tcp.stream. A flow opened (its SYN captured) after an
 * earlier established flow from the same client host to the same service had ended is a
 * reconnect; flows open side by side (a workload's parallel streams) are not.
 */
export function aggregateFlows(capture: string, packets: readonly TcpPacket[], thresholdMs = FLOW_GAP_THRESHOLD_MS): FlowSummary[] {
  const byStream = new Map<number, TcpPacket[]>();
  for (const p of packets) {
    const list = byStream.get(p.stream);
    if (list) list.push(p);
    else byStream.set(p.stream, [p]);
  }
  const flows = [...byStream].map(([stream, list]) => ({ flow: summarise(capture, stream, list, thresholdMs), packets: list }));
  flows.sort((a, b) => a.flow.firstMs - b.flow.firstMs || a.flow.stream - b.flow.stream);
  const ended: { key: string; endMs: number }[] = [];
  for (const { flow, packets: list } of flows) {
    if (!flow.established) continue;
    const key = `${hostOf(flow.client)}→${flow.server}`;
    if (flow.opened && ended.some((e) => e.key === key && e.endMs < flow.firstMs)) flow.reconnect = true;
    ended.push({ key, endMs: endedMs(flow, list) });
  }
  return flows.map((f) => f.flow);
}
