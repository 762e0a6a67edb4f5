// Below the plot, what each client felt: its application gaps as red bars and its resets,
// EOFs and stall timeouts as ticks. One lane per stream up to 20 streams, then one merged lane.
import { compareStreams, streamLabel } from '../checker/stream-select.js';
import type { RunHistory } from '../history/history-types.js';
import { LANE_H, clampX, laneBox, type Frame, type Lanes } from './lane-kit.js';
import type { StreamReport } from './report-types.js';
import { el, fmtSeconds, title } from './svg-kit.js';

export const MAX_STREAM_LANES = 20;
const MARKER_BUDGET = 400;

/**
 * Gaps as red bars, plus resets / EOFs / stall timeouts as ticks, per stream (in stream order,
 * labels in the stream's line colour when given) or merged into one lane past 20 streams.
 */
export function gapLanes(
  streams: readonly StreamReport[],
  history: RunHistory,
  frame: Frame,
  top: number,
  colours?: ReadonlyMap<string, string>,
): Lanes {
  if (streams.length === 0) return { svg: '', height: 0, notes: [] };
  const merged = streams.length > MAX_STREAM_LANES;
  const labels = merged ? [] : [...streams].sort(compareStreams).map(streamLabel);
  const laneOf = (label: string) => (merged ? 0 : labels.indexOf(label));
  const h = merged ? LANE_H + 4 : LANE_H - 2;
  const parts: string[] = [];
  const laneCount = merged ? 1 : labels.length;
  for (let i = 0; i < laneCount; i++) {
    const label = merged ? `gaps (${streams.length} streams)` : labels[i]!;
    parts.push(
      laneBox(
        frame,
        top + i * h,
        h,
        label,
        i,
        merged ? 'application gaps of all streams, merged' : `stream ${label}: gaps and connection events`,
        colours?.get(label),
      ),
    );
  }
  const bars = merged
    ? mergedGaps(streams)
    : streams.flatMap((s) => s.gaps.map((g) => ({ ...g, lane: laneOf(streamLabel(s)), tip: `${streamLabel(s)} gap` })));
  for (const g of bars) {
    const x0 = clampX(frame, g.startMs);
    const x1 = clampX(frame, g.endMs);
    const tip = `${g.tip} ${fmtSeconds(g.endMs - g.startMs)} (${fmtSeconds(g.startMs - frame.t0)} → ${fmtSeconds(g.endMs - frame.t0)})`;
    parts.push(el('rect', { x: x0, y: top + g.lane * h + 2, width: Math.max(x1 - x0, 1.5), height: h - 4, class: 'gap' }, title(tip)));
  }
  let ticks = 0;
  for (const e of history.entries) {
    if (e.kind !== 'probe' || e.event.source !== 'probe-client' || ticks >= MARKER_BUDGET) continue;
    const ev = e.event;
    if (ev.event !== 'reset' && ev.event !== 'eof' && !(ev.event === 'timeout' && ev.kind === 'stall')) continue;
    const lane = laneOf(streamLabel({ workload: e.workload, node: e.node, stream: ev.stream }));
    if (lane < 0) continue;
    const x = clampX(frame, e.t);
    const what = ev.event === 'reset' ? `reset: ${ev.error}` : ev.event === 'eof' ? 'EOF' : 'stall timeout';
    const d = `M${x.toFixed(1)} ${top + lane * h + 1}v${h - 2}`;
    // A white halo under the tick keeps it visible on top of a red gap bar.
    parts.push(
      el('path', { d, class: 'halo' }),
      el(
        'path',
        { d, class: `conn-${ev.event}` },
        title(`${fmtSeconds(e.t - frame.t0)}  ${streamLabel({ workload: e.workload, node: e.node, stream: ev.stream })}  ${what}`),
      ),
    );
    ticks++;
  }
  return { svg: parts.join(''), height: laneCount * h, notes: [] };
}

/** Overlapping gaps of many streams as one bar each, saying how many streams were stalled. */
function mergedGaps(streams: readonly StreamReport[]) {
  const all = streams.flatMap((s) => s.gaps.map((g) => ({ ...g, label: streamLabel(s) }))).sort((a, b) => a.startMs - b.startMs);
  const out: { startMs: number; endMs: number; lane: number; tip: string }[] = [];
  let cur: { startMs: number; endMs: number; who: Set<string> } | undefined;
  const flush = () => {
    if (cur) out.push({ startMs: cur.startMs, endMs: cur.endMs, lane: 0, tip: `${cur.who.size} of ${streams.length} streams in a gap,` });
  };
  for (const g of all) {
    if (cur && g.startMs <= cur.endMs) {
      cur.endMs = Math.max(cur.endMs, g.endMs);
      cur.who.add(g.label);
      continue;
    }
    flush();
    cur = { startMs: g.startMs, endMs: g.endMs, who: new Set([g.label]) };
  }
  flush();
  return out;
}
