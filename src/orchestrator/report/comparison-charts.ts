// The comparison's two pictures, as inline SVG: each run's gaps per repeat side by side (the
// worst stream's gap as a bar, every stream's longest gap as a dot on it), and how many
// connections each run kept. One colour per run, the same in both charts and the legend.
import type { RepeatFigures } from './comparison-verdict.js';
import { PALETTE, el, fmtNum, linear, ticks, title } from './svg-kit.js';
import { escapeXml } from './xml-escape.js';

export interface ChartRun {
  scenario: string;
  repeats: readonly RepeatFigures[];
}

export const runColour = (i: number): string => PALETTE[i % PALETTE.length]!;

const W = 1000;
const LEFT = 70;
const RIGHT = 20;
const text = (attrs: Record<string, string | number>, s: string): string => el('text', attrs, escapeXml(s));
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const tickSeconds = (ms: number): string => `${fmtNum(ms / 1000)} s`;

function legend(runs: readonly ChartRun[], y: number): string {
  let x = LEFT;
  return runs
    .map((r, i) => {
      const part =
        el('rect', { x, y: y - 10, width: 14, height: 14, fill: runColour(i) }) +
        text({ x: x + 20, y: y + 2, 'font-size': 13 }, r.scenario);
      x += 40 + r.scenario.length * 7.5;
      return part;
    })
    .join('');
}

/** Worst gap per repeat, runs side by side within each repeat; dots are the streams' own longest gaps. */
export function gapChart(runs: readonly ChartRun[]): string {
  const H = 320;
  const top = 40;
  const bottom = H - 40;
  const repeats = Math.max(1, ...runs.map((r) => r.repeats.length));
  const worst = Math.max(0, ...runs.flatMap((r) => r.repeats.flatMap((p) => p.streamGapsMs)));
  const yTicks = ticks(Math.max(worst, 100), 5, true);
  const y = linear([0, yTicks[yTicks.length - 1]!], [bottom, top]);
  const group = (W - LEFT - RIGHT) / repeats;
  const bar = Math.min(80, (group * 0.7) / Math.max(runs.length, 1));
  const parts = [legend(runs, 18)];
  for (const t of yTicks) {
    parts.push(el('line', { x1: LEFT, x2: W - RIGHT, y1: y(t), y2: y(t), stroke: '#e5e5e5' }));
    parts.push(text({ x: LEFT - 6, y: y(t) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#555' }, tickSeconds(t)));
  }
  for (let k = 0; k < repeats; k++) {
    const x0 = LEFT + k * group + (group - bar * runs.length) / 2;
    parts.push(
      text({ x: LEFT + (k + 0.5) * group, y: bottom + 18, 'text-anchor': 'middle', 'font-size': 12, fill: '#333' }, `repeat ${k + 1}`),
    );
    runs.forEach((run, i) => {
      const rep = run.repeats[k];
      if (!rep) return;
      const x = x0 + i * bar;
      if (rep.streamGapsMs.length === 0) {
        parts.push(text({ x: x + bar / 2, y: bottom - 6, 'text-anchor': 'middle', 'font-size': 11, fill: '#cf222e' }, 'did not run'));
        return;
      }
      const max = Math.max(...rep.streamGapsMs);
      const tip = `${run.scenario}, repeat ${rep.index}: longest gap ${seconds(max)}; streams: ${rep.streamGapsMs.map(seconds).join(', ')}`;
      parts.push(el('rect', { x: x + 2, y: y(max), width: bar - 4, height: Math.max(bottom - y(max), 1), fill: runColour(i) }, title(tip)));
      parts.push(text({ x: x + bar / 2, y: y(max) - 5, 'text-anchor': 'middle', 'font-size': 12, 'font-weight': 600 }, seconds(max)));
      for (const g of rep.streamGapsMs)
        parts.push(el('circle', { cx: x + bar / 2, cy: y(g), r: 3, fill: '#fff', stroke: '#1d1d1d', 'stroke-width': 1 }));
    });
  }
  parts.push(el('line', { x1: LEFT, x2: W - RIGHT, y1: bottom, y2: bottom, stroke: '#888' }));
  parts.push(
    text(
      {
        x: 14,
        y: (top + bottom) / 2,
        transform: `rotate(-90 14 ${(top + bottom) / 2})`,
        'text-anchor': 'middle',
        'font-size': 12,
        fill: '#333',
      },
      'longest gap a client felt',
    ),
  );
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: 'chart gaps',
      width: W,
      height: H,
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': 'longest gap per repeat, runs side by side',
    },
    parts.join(''),
  );
}

/** Connections kept over all repeats: the kept share in the run's colour, the rest as a pale band. */
export function keptChart(runs: readonly ChartRun[]): string {
  const rowH = 34;
  const H = 30 + runs.length * rowH + 10;
  const labelW = 260;
  const x = linear([0, 1], [labelW, W - RIGHT - 140]);
  const parts: string[] = [];
  runs.forEach((run, i) => {
    const kept = run.repeats.reduce((t, r) => t + r.kept, 0);
    const streams = run.repeats.reduce((t, r) => t + r.streams, 0);
    const y = 20 + i * rowH;
    parts.push(text({ x: labelW - 10, y: y + 17, 'text-anchor': 'end', 'font-size': 13 }, run.scenario));
    parts.push(el('rect', { x: x(0), y, width: x(1) - x(0), height: 24, fill: runColour(i), 'fill-opacity': 0.18, stroke: runColour(i) }));
    const share = streams > 0 ? kept / streams : 0;
    if (share > 0)
      parts.push(el('rect', { x: x(0), y, width: x(share) - x(0), height: 24, fill: runColour(i) }, title(`${kept} of ${streams} kept`)));
    parts.push(text({ x: x(1) + 10, y: y + 17, 'font-size': 13, 'font-weight': 600 }, `kept ${kept} of ${streams}`));
  });
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      class: 'chart kept',
      width: W,
      height: H,
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': 'connections kept per run',
    },
    parts.join(''),
  );
}
