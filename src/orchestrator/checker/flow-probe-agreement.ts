// Trust in the flow measurement (docs/flows.md): where the probe ran, its own gaps and the gaps
// read from the packets must tell the same story. Each probe gap of a stream that kept one
// connection is paired with the overlapping payload gap of that connection's captured flow, in
// the direction the stream's data went; the durations must agree within toleranceMs, and the
// check reports the distribution of the differences. A gap spanning a reconnect has no one
// flow to compare with and is only counted.
import type { FlowGap, FlowSummary, RunHistory, WorkloadStreamSummary } from '../history/history-types.js';
import type { Checker } from './checker.js';
import { distribution } from './stats.js';
import { streamLabel } from './stream-select.js';

export interface GapPair {
  stream: string;
  probeMs: number;
  /** Undefined when no captured gap of the stream's flow overlapped the probe's. */
  flowMs?: number;
}

const overlap = (a: FlowGap, b: FlowGap): number => Math.min(a.endMs, b.endMs) - Math.max(a.startMs, b.startMs);

/** The flow direction carrying the stream's data: its server sends in s2c and echo (the echo comes back), the client in c2s. */
const dataDirection = (s: WorkloadStreamSummary): 'c2s' | 's2c' => (s.direction === 'c2s' ? 'c2s' : 's2c');

/** Every comparable probe gap with its flow counterpart, and how many gaps spanned a reconnect. */
export function pairGaps(history: RunHistory): { pairs: GapPair[]; spanning: number } {
  const pairs: GapPair[] = [];
  let spanning = 0;
  for (const s of history.streams) {
    if (s.connections.length !== 1) {
      spanning += s.gaps.length;
      continue;
    }
    const c = s.connections[0]!;
    const flows = (history.flows ?? []).filter((f: FlowSummary) => f.client === `${c.localAddress}:${c.localPort}`);
    for (const g of s.gaps) {
      const probeMs = g.endMs - g.startMs;
      const candidates = flows.flatMap((f) => f[dataDirection(s)].gaps).filter((fg) => overlap(fg, g) > 0);
      const best = candidates.sort((a, b) => Math.abs(a.endMs - a.startMs - probeMs) - Math.abs(b.endMs - b.startMs - probeMs))[0];
      pairs.push({ stream: streamLabel(s), probeMs, ...(best ? { flowMs: best.endMs - best.startMs } : {}) });
    }
  }
  return { pairs, spanning };
}

/** Valid when every comparable probe gap has a captured flow gap whose duration differs by ≤ toleranceMs. */
export function flowMatchesProbe(spec: { toleranceMs: number }): Checker {
  const name = 'flow-matches-probe';
  return {
    name,
    check(history) {
      if (history.flows === undefined)
        return { name, valid: 'unknown', detail: 'no flows were measured: the scenario needs capture.links' };
      const { pairs, spanning } = pairGaps(history);
      const also = spanning > 0 ? `; ${spanning} gaps spanning a reconnect not compared` : '';
      if (pairs.length === 0) return { name, valid: 'unknown', detail: `no probe gap to compare with the flows${also}` };
      const unmatched = pairs.filter((p) => p.flowMs === undefined);
      const diffs = pairs.flatMap((p) => (p.flowMs === undefined ? [] : [Math.abs(p.flowMs - p.probeMs)]));
      const d = distribution(diffs);
      const spread = d ? `|flow − probe| p50 ${d.p50.toFixed(1)} ms, p95 ${d.p95.toFixed(1)} ms, max ${d.max.toFixed(1)} ms` : 'no pair';
      const text = `${pairs.length - unmatched.length} of ${pairs.length} probe gaps paired with a flow gap: ${spread}${also}`;
      if (unmatched.length > 0) {
        const list = unmatched.slice(0, 3).map((p) => `${p.stream} ${Math.round(p.probeMs)} ms`);
        return { name, valid: false, detail: `${text}; no flow gap for ${list.join(', ')}` };
      }
      const ok = d !== undefined && d.max <= spec.toleranceMs;
      return { name, valid: ok, detail: `${text} ${ok ? '≤' : '>'} tolerance ${spec.toleranceMs} ms` };
    },
  };
}
