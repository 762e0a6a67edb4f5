// The timeline's key and its stylesheet. The style lives inside each <svg> so that a timeline
// copied out of report.html on its own still renders the same.
import { PALETTE, el } from './svg-kit.js';
import { escapeXml } from './xml-escape.js';
import type { EventKind } from './daemon-lanes.js';

const MAX_EVENT_KINDS = 12;

export const TIMELINE_CSS = [
  '.timeline text{font:11px system-ui,-apple-system,"Segoe UI",sans-serif;fill:#222}',
  '.timeline .tick{fill:#555}',
  '.timeline .caption{font-weight:600;fill:#333;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}',
  '.timeline .note,.timeline .empty{fill:#8a5a00;font-style:italic}',
  '.timeline .grid{stroke:#e3e3e3;stroke-width:1}',
  '.timeline .axis{stroke:#888}',
  '.timeline .frame{fill:none;stroke:#bbb}',
  '.timeline .line{fill:none;stroke-width:1.6;stroke-linejoin:round}',
  '.timeline .total{stroke:#0072B2;stroke-width:2}',
  '.timeline .median{stroke:#333;stroke-width:1.4}',
  '.timeline .band{fill:#56B4E9;fill-opacity:.35;stroke:none}',
  '.timeline .fault-window{fill:#E69F00;fill-opacity:.16;stroke:#E69F00;stroke-opacity:.7;stroke-dasharray:4 3}',
  '.timeline .fault-label{font-weight:600;fill:#9a5b00}',
  '.timeline .lane-even{fill:#f6f6f6}',
  '.timeline .lane-odd{fill:#fdfdfd}',
  '.timeline .lane-label{font-size:10px;fill:#444}',
  '.timeline .gap{fill:#D62728}',
  '.timeline .conn-reset{stroke:#000;stroke-width:2}',
  '.timeline .conn-eof{stroke:#7F3C8D;stroke-width:2}',
  '.timeline .conn-timeout{stroke:#111;stroke-width:2;stroke-dasharray:3 1.5}',
  '.timeline .marker{stroke:#fff;stroke-width:.8}',
  '.timeline .marker-label{font-size:9.5px;fill:#222;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}',
  '.timeline .halo{stroke:#fff;stroke-width:4.5}',
].join('');

interface Item {
  swatch: string;
  text: string;
}

/** Stream line colours (when drawn one by one), the fixed symbols, daemon event kinds; wraps to more rows. */
export function legend(
  lineLabels: readonly string[],
  streamCount: number,
  eventKinds: readonly EventKind[],
  width: number,
  top: number,
): { svg: string; height: number } {
  const items: Item[] = lineLabels.map((label, i) => ({
    swatch: el('line', { x1: 0, x2: 18, y1: 0, y2: 0, stroke: PALETTE[i % PALETTE.length], 'stroke-width': 2.5 }),
    text: label,
  }));
  if (lineLabels.length === 0 && streamCount > 0) {
    items.push({ swatch: el('line', { x1: 0, x2: 18, y1: 0, y2: 0, class: 'line total' }), text: `total of ${streamCount} streams` });
    items.push({ swatch: el('rect', { x: 0, y: -5, width: 18, height: 10, class: 'band' }), text: 'per-stream min–max' });
    items.push({ swatch: el('line', { x1: 0, x2: 18, y1: 0, y2: 0, class: 'line median' }), text: 'per-stream median' });
  }
  items.push(
    { swatch: el('rect', { x: 0, y: -6, width: 18, height: 12, class: 'fault-window' }), text: 'fault window' },
    { swatch: el('rect', { x: 0, y: -4, width: 18, height: 8, class: 'gap' }), text: 'application gap' },
    { swatch: el('path', { d: 'M9 -6v12', class: 'conn-reset' }), text: 'reset' },
    { swatch: el('path', { d: 'M9 -6v12', class: 'conn-eof' }), text: 'EOF' },
    { swatch: el('path', { d: 'M9 -6v12', class: 'conn-timeout' }), text: 'stall timeout' },
  );
  for (const k of eventKinds.slice(0, MAX_EVENT_KINDS)) {
    items.push({ swatch: el('path', { d: 'M9 -5l4 5l-4 5l-4 -5z', fill: k.colour }), text: `${k.name} ×${k.count}` });
  }
  if (eventKinds.length > MAX_EVENT_KINDS) {
    items.push({
      swatch: el('path', { d: 'M9 -5l4 5l-4 5l-4 -5z', fill: '#777' }),
      text: `${eventKinds.length - MAX_EVENT_KINDS} more daemon event kinds (hover markers)`,
    });
  }
  const parts: string[] = [];
  let x = 0;
  let row = 0;
  for (const item of items) {
    const w = 26 + item.text.length * 6.2 + 16;
    if (x > 0 && x + w > width) {
      x = 0;
      row++;
    }
    const y = top + 8 + row * 18;
    parts.push(el('g', { transform: `translate(${x + 20} ${y})` }, item.swatch + el('text', { x: 24, y: 4 }, escapeXml(item.text))));
    x += w;
  }
  return { svg: parts.join(''), height: (row + 1) * 18 };
}
