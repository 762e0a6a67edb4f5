// One repeat as a picture (Jepsen's perf plot with nemesis windows shaded): x is seconds since
// the repeat started; throughput per stream (or, with many streams, the total plus the
// per-stream min–max envelope); fault windows shaded and named; daemon events above; each
// stream's gaps and connection events below. Plain SVG with <title> tooltips: no script.
import { compareStreams, streamLabel } from '../checker/stream-select.js';
import type { RunHistory } from '../history/history-types.js';
import type { RepeatReport } from './report-types.js';
import { envelope, computeThroughput, type Throughput } from './throughput.js';
import { daemonEventKinds, daemonLanes } from './daemon-lanes.js';
import { flowLanes } from './flow-lanes.js';
import { gapLanes } from './gap-lanes.js';
import type { Frame } from './lane-kit.js';
import { PALETTE, el, fmtNum, fmtSeconds, linear, rateUnit, ticks, title } from './svg-kit.js';
import { escapeXml } from './xml-escape.js';
import { TIMELINE_CSS, legend } from './timeline-legend.js';

export const MAX_LINES = 10;
const WIDTH = 1200;
const LEFT = 170;
const RIGHT = WIDTH - 24;

export function timelineSvg(repeat: RepeatReport, history?: RunHistory): string {
  const h = history ?? { entries: [], streams: [], startMs: repeat.startMs, endMs: repeat.endMs };
  const t0 = repeat.startMs;
  const spanMs = Math.max(repeat.endMs - t0, h.endMs - t0, 1);
  const frame: Frame = { x: linear([0, spanMs], [LEFT, RIGHT]), left: LEFT, right: RIGHT, t0 };
  const tp = computeThroughput({ ...h, startMs: t0, endMs: t0 + spanMs });
  const lines = tp.perStream.size <= MAX_LINES;
  const body: string[] = [];
  const labels = orderedLabels(tp, h);

  let y = 4;
  const leg = legend(lines ? labels : [], tp.perStream.size, daemonEventKinds(h), RIGHT - LEFT + 150, 4);
  body.push(leg.svg);
  y += leg.height + 4;
  const faultTop = y;
  y += 28;
  const daemons = daemonLanes(h, frame, y);
  y += daemons.height + (daemons.height ? 8 : 0);
  const panelsTop = y;
  const gridAt = body.length;
  if (tp.perStream.size === 0) {
    body.push(el('text', { x: LEFT + 8, y: y + 40, class: 'empty' }, 'no throughput samples: the probe client logged no progress events'));
    y += 70;
  } else if (lines) {
    y = linesPanel(body, tp, labels, frame, y, 230);
  } else {
    y = envelopePanels(body, tp, frame, y);
  }
  body.splice(gridAt, 0, xGrid(frame, spanMs, panelsTop, y)); // under the captions and lines
  y += 6;
  const colours = lines ? new Map(labels.map((l, i) => [l, PALETTE[i % PALETTE.length]!])) : undefined;
  const gaps = gapLanes(repeat.streams, h, frame, y, colours);
  y += gaps.height;
  const flows = flowLanes(repeat.flows, frame, y + (gaps.height ? 4 : 0));
  y += flows.height + (flows.height && gaps.height ? 4 : 0);
  const faults = faultWindows(repeat, frame, spanMs, faultTop, y);
  y = xAxis(body, frame, spanMs, y);
  const notes = [...daemons.notes, ...flows.notes].map((n, i) => el('text', { x: LEFT, y: y + 14 + i * 14, class: 'note' }, escapeXml(n)));
  y += notes.length * 14 + 6;
  return el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${WIDTH} ${Math.ceil(y)}`,
      width: '100%',
      class: 'timeline',
      role: 'img',
      'aria-label': `timeline of repeat ${repeat.index}`,
    },
    `<style>${TIMELINE_CSS}</style>${faults}${body.join('')}${daemons.svg}${gaps.svg}${flows.svg}${notes.join('')}`,
  );
}

/** Stream labels in stream order (the lanes below use the same order and colours). */
function orderedLabels(tp: Throughput, h: RunHistory): string[] {
  const ids = new Map(h.streams.map((s) => [streamLabel(s), s]));
  const id = (label: string) => ids.get(label) ?? { workload: label, node: '', stream: 0 };
  return [...tp.perStream.keys()].sort((a, b) => compareStreams(id(a), id(b)) || a.localeCompare(b));
}

function linesPanel(out: string[], tp: Throughput, labels: string[], frame: Frame, top: number, height: number): number {
  const max = Math.max(...[...tp.perStream.values()].flatMap((s) => [...s].filter((v) => !Number.isNaN(v))), 1);
  const unit = rateUnit(max);
  const y = yAxis(out, `throughput per stream (${unit.label})`, max / unit.bytesPerSecond, top + 16, height);
  labels.forEach((label, i) => {
    out.push(
      el(
        'path',
        {
          d: pathOf(tp.perStream.get(label)!, tp, frame, (v) => y(v / unit.bytesPerSecond)),
          stroke: PALETTE[i % PALETTE.length],
          class: 'line',
        },
        title(label),
      ),
    );
  });
  return top + 16 + height;
}

function envelopePanels(out: string[], tp: Throughput, frame: Frame, top: number): number {
  const env = envelope(tp);
  const sumMax = Math.max(...[...env.sum].filter((v) => !Number.isNaN(v)), 1);
  const u1 = rateUnit(sumMax);
  const y1 = yAxis(out, `total throughput of ${tp.perStream.size} streams (${u1.label})`, sumMax / u1.bytesPerSecond, top + 16, 170);
  out.push(
    el('path', { d: pathOf(env.sum, tp, frame, (v) => y1(v / u1.bytesPerSecond)), class: 'line total' }, title('total of all streams')),
  );
  const top2 = top + 16 + 170 + 40;
  const perMax = Math.max(...[...env.max].filter((v) => !Number.isNaN(v)), 1);
  const u2 = rateUnit(perMax);
  const y2 = yAxis(out, `per-stream throughput: min–max band, median line (${u2.label})`, perMax / u2.bytesPerSecond, top2, 130);
  out.push(
    el('path', { d: bandOf(env.min, env.max, tp, frame, (v) => y2(v / u2.bytesPerSecond)), class: 'band' }, title('per-stream min–max')),
  );
  out.push(
    el('path', { d: pathOf(env.median, tp, frame, (v) => y2(v / u2.bytesPerSecond)), class: 'line median' }, title('per-stream median')),
  );
  return top2 + 130;
}

/** Draws the y axis with grid and caption; returns the value → y scale. */
function yAxis(out: string[], caption: string, max: number, top: number, height: number) {
  const tv = ticks(max, 4, true);
  const y = linear([0, tv[tv.length - 1]!], [top + height, top]);
  out.push(el('text', { x: LEFT, y: top - 5, class: 'caption' }, escapeXml(caption)));
  for (const v of tv) {
    out.push(el('line', { x1: LEFT, x2: RIGHT, y1: y(v), y2: y(v), class: 'grid' }));
    out.push(el('text', { x: LEFT - 6, y: y(v) + 3.5, class: 'tick', 'text-anchor': 'end' }, fmtNum(v)));
  }
  out.push(el('rect', { x: LEFT, y: top, width: RIGHT - LEFT, height, class: 'frame' }));
  return y;
}

const binX = (i: number, tp: Throughput, frame: Frame) => frame.x((i + 0.5) * tp.binMs);

/** A polyline that breaks where the series is NaN (stream not running). */
function pathOf(values: Float64Array, tp: Throughput, frame: Frame, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (Number.isNaN(v)) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${binX(i, tp, frame).toFixed(1)} ${y(v).toFixed(1)}`;
    pen = true;
  });
  return d || 'M0 0';
}

function bandOf(lo: Float64Array, hi: Float64Array, tp: Throughput, frame: Frame, y: (v: number) => number): string {
  const idx = [...lo.keys()].filter((i) => !Number.isNaN(lo[i]!));
  if (idx.length === 0) return 'M0 0';
  const top = idx.map((i) => `${binX(i, tp, frame).toFixed(1)} ${y(hi[i]!).toFixed(1)}`);
  const bottom = idx.reverse().map((i) => `${binX(i, tp, frame).toFixed(1)} ${y(lo[i]!).toFixed(1)}`);
  return `M${top.join('L')}L${bottom.join('L')}Z`;
}

function xGrid(frame: Frame, spanMs: number, top: number, bottom: number): string {
  return ticks(spanMs / 1000, 12)
    .map((s) => el('line', { x1: frame.x(s * 1000), x2: frame.x(s * 1000), y1: top, y2: bottom, class: 'grid' }))
    .join('');
}

function xAxis(out: string[], frame: Frame, spanMs: number, top: number): number {
  for (const s of ticks(spanMs / 1000, 12)) {
    out.push(el('line', { x1: frame.x(s * 1000), x2: frame.x(s * 1000), y1: top, y2: top + 4, class: 'axis' }));
    out.push(el('text', { x: frame.x(s * 1000), y: top + 16, class: 'tick', 'text-anchor': 'middle' }, fmtNum(s)));
  }
  out.push(
    el(
      'text',
      { x: (frame.left + frame.right) / 2, y: top + 32, class: 'caption', 'text-anchor': 'middle' },
      'time since repeat start (s)',
    ),
  );
  return top + 36;
}

/** Shaded windows over all panels and lanes, ids in a two-row band so close faults stay legible. */
function faultWindows(repeat: RepeatReport, frame: Frame, spanMs: number, top: number, bottom: number): string {
  const parts: string[] = [];
  const rowEnd = [-Infinity, -Infinity];
  for (const f of repeat.faults) {
    const x0 = Math.max(frame.x(f.startMs - frame.t0), frame.left);
    const x1 = Math.min(frame.x((f.endMs ?? frame.t0 + spanMs) - frame.t0), frame.right);
    const label = f.endMs === undefined ? `${f.id} (not healed)` : f.id;
    const tip = `${f.id}: ${f.fault} on ${f.targets.join(', ') || '—'}, ${fmtSeconds(f.startMs - frame.t0)} → ${f.endMs === undefined ? 'end (not healed)' : `${fmtSeconds(f.endMs - frame.t0)} (${fmtSeconds(f.endMs - f.startMs)})`}${f.detail ? `; ${f.detail}` : ''}`;
    const row = rowEnd[0]! <= x0 ? 0 : rowEnd[1]! <= x0 ? 1 : 0;
    rowEnd[row] = x0 + label.length * 6.2 + 8;
    parts.push(
      el(
        'g',
        { class: 'fault' },
        title(tip) +
          el('rect', { x: x0, y: top, width: Math.max(x1 - x0, 2), height: bottom - top, class: 'fault-window' }) +
          el('text', { x: x0 + 3, y: top + 11 + row * 13, class: 'fault-label' }, escapeXml(label)),
      ),
    );
  }
  return parts.join('');
}
