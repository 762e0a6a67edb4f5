// Below the probe's lanes, what the captures saw (docs/flows.md): one lane per established TCP
// flow with its payload gaps (either direction) as bars and its RST as a tick, so any
// workload's traffic shows on the timeline, not only the probe's.
import type { FlowSummary } from '../history/history-types.js';
import { LANE_H, clampX, laneBox, type Frame, type Lanes } from './lane-kit.js';
import { el, fmtSeconds, title } from './svg-kit.js';

export const MAX_FLOW_LANES = 20;

const label = (f: FlowSummary): string => `${f.client.split(':').pop()!}→${f.server}`;

export function flowLanes(flows: readonly FlowSummary[] | undefined, frame: Frame, top: number): Lanes {
  const shown = (flows ?? []).filter((f) => f.established).slice(0, MAX_FLOW_LANES);
  if (shown.length === 0) return { svg: '', height: 0, notes: [] };
  const total = (flows ?? []).filter((f) => f.established).length;
  const h = LANE_H - 2;
  const parts: string[] = [];
  shown.forEach((f, i) => {
    const y = top + i * h;
    const hint = `captured flow ${f.client} → ${f.server} at ${f.capture}: payload gaps and reset`;
    parts.push(laneBox(frame, y, h, label(f), i, hint));
    for (const dir of ['c2s', 's2c'] as const) {
      for (const g of f[dir].gaps) {
        const x0 = clampX(frame, g.startMs);
        const x1 = clampX(frame, g.endMs);
        const tip = `${f.client}→${f.server} ${dir} payload gap ${fmtSeconds(g.endMs - g.startMs)} (${fmtSeconds(g.startMs - frame.t0)} → ${fmtSeconds(g.endMs - frame.t0)})`;
        parts.push(el('rect', { x: x0, y: y + 2, width: Math.max(x1 - x0, 1.5), height: h - 4, class: 'gap' }, title(tip)));
      }
    }
    if (f.resetMs !== undefined) {
      const d = `M${clampX(frame, f.resetMs).toFixed(1)} ${y + 1}v${h - 2}`;
      parts.push(
        el('path', { d, class: 'halo' }),
        el('path', { d, class: 'conn-reset' }, title(`${fmtSeconds(f.resetMs - frame.t0)} RST`)),
      );
    }
  });
  const notes = total > shown.length ? [`${total - shown.length} more captured flows in report.json (flows)`] : [];
  return { svg: parts.join(''), height: shown.length * h, notes };
}
