// Small drawing helpers shared by the timeline parts: linear scales, round tick values,
// a colour-blind-safe palette, and number formats a network engineer reads at a glance.
import { escapeXml } from './xml-escape.js';

export interface Scale {
  (value: number): number;
  domain: readonly [number, number];
}

export function linear(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as Scale;
  scale.domain = domain;
  return scale;
}

/** A 1/2/2.5/5 × 10^k step giving about `count` ticks over [0, max]. */
export function niceStep(max: number, count: number): number {
  if (!(max > 0)) return 1;
  const raw = max / Math.max(count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10;
  return step * power;
}

/** Ticks from 0 up to `max`; with `cover`, one more if needed so the last tick is ≥ max (y axes). */
export function ticks(max: number, count: number, cover = false): number[] {
  const step = niceStep(max, count);
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const v = Number((i * step).toPrecision(12));
    if (v > max + step * 1e-9 && !(cover && out[out.length - 1]! < max)) break;
    out.push(v);
  }
  return out;
}

/** Okabe–Ito plus a few Tableau colours: distinguishable with the common colour blindnesses. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#7F7F7F', '#BCBD22', '#17BECF', '#8C564B'];

export interface RateUnit {
  label: string;
  bytesPerSecond: number;
}

/** MB/s unless the run was slow enough that kB/s or B/s reads better. */
export function rateUnit(maxBytesPerSecond: number): RateUnit {
  if (maxBytesPerSecond >= 1e6) return { label: 'MB/s', bytesPerSecond: 1e6 };
  if (maxBytesPerSecond >= 1e3) return { label: 'kB/s', bytesPerSecond: 1e3 };
  return { label: 'B/s', bytesPerSecond: 1 };
}

/** Trims float noise: 0.30000000000000004 → "0.3". */
export const fmtNum = (v: number): string => String(Number(v.toPrecision(6)));

export const fmtSeconds = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

/** An SVG element as text; attribute values are escaped, `inner` is trusted markup. */
export function el(name: string, attrs: Record<string, string | number | undefined>, inner = ''): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? round(v) : v)}"`)
    .join('');
  return inner === '' && name !== 'text' ? `<${name}${a}/>` : `<${name}${a}>${inner}</${name}>`;
}

/** A tooltip child: browsers show an element's <title> on hover, with no script. */
export const title = (text: string): string => `<title>${escapeXml(text)}</title>`;

export const round = (v: number): string => String(Math.round(v * 10) / 10);
