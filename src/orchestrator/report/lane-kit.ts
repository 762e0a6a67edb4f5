// What every timeline lane shares: the time frame, the striped lane box with its label, and
// clamping to the plot so an event at the very edge never draws outside it.
import { el, title, type Scale } from './svg-kit.js';
import { escapeXml } from './xml-escape.js';

export interface Frame {
  x: Scale;
  left: number;
  right: number;
  /** Wall-clock ms of x = 0. */
  t0: number;
}

export interface Lanes {
  svg: string;
  height: number;
  notes: string[];
}

export const LANE_H = 16;

export function laneBox(frame: Frame, y: number, h: number, label: string, index: number, hint: string, colour?: string): string {
  const bg = el('rect', { x: frame.left, y, width: frame.right - frame.left, height: h, class: index % 2 ? 'lane-odd' : 'lane-even' });
  const text = el(
    'text',
    { x: frame.left - 6, y: y + h / 2 + 3.5, class: 'lane-label', 'text-anchor': 'end', style: colour && `fill:${colour}` },
    `${escapeXml(label)}${title(hint)}`,
  );
  return bg + text;
}

/** Wall-clock ms to an x inside the plot: a gap still open at the end must not overflow. */
export const clampX = (frame: Frame, t: number): number => Math.min(Math.max(frame.x(t - frame.t0), frame.left), frame.right);
