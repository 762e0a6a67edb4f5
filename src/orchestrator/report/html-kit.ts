// Table and badge helpers for report.html, and its stylesheet: print-friendly, no external
// fonts or assets, so the file can be mailed or archived as a CI artifact and still open.
import type { Validity } from './report-types.js';
import { escapeHtml as h } from './xml-escape.js';

export const PAGE_CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1d;margin:0;background:#fff}
main{max-width:1240px;margin:0 auto;padding:18px 20px 40px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 6px;border-top:2px solid #ddd;padding-top:14px}
h3{font-size:14px;margin:16px 0 6px;color:#444}
.meta{color:#555;margin:2px 0 12px}.meta b{color:#222}
.badge{display:inline-block;padding:1px 10px;border-radius:4px;font-weight:700;color:#fff;font-size:13px;vertical-align:3px}
.pass{background:#1a7f37}.fail{background:#cf222e}.unknown{background:#9a6700}
table{border-collapse:collapse;margin:4px 0 10px;font-size:13px}
th,td{border:1px solid #d8d8d8;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.bad td{background:#fff0f0}tr.unk td{background:#fff8e0}
.v-true{color:#1a7f37;font-weight:700}.v-false{color:#cf222e;font-weight:700}.v-unknown{color:#9a6700;font-weight:700}
.error{border:1px solid #cf222e;background:#fff0f0;padding:8px 12px;border-radius:4px;white-space:pre-wrap}
.small{color:#666;font-size:12px}code{font-size:12px}
svg.timeline{border:1px solid #e5e5e5;border-radius:4px;margin:6px 0}
`;

export type Cell = string | number | { html: string; num?: boolean };

/** A table; plain strings are escaped, numbers right-aligned, `{html}` cells are trusted. */
export function table(head: readonly string[], rows: readonly { cells: readonly Cell[]; cls?: string }[]): string {
  const th = head.map((c) => `<th>${h(c)}</th>`).join('');
  const body = rows.map((r) => `<tr${r.cls ? ` class="${r.cls}"` : ''}>${r.cells.map(cell).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function cell(c: Cell): string {
  if (typeof c === 'number') return `<td class="num">${h(fmt(c))}</td>`;
  if (typeof c === 'string') return `<td>${h(c)}</td>`;
  return `<td${c.num ? ' class="num"' : ''}>${c.html}</td>`;
}

export const fmt = (v: number): string =>
  Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 1 });

export const badge = (passed: boolean): string => `<span class="badge ${passed ? 'pass' : 'fail'}">${passed ? 'PASS' : 'FAIL'}</span>`;

export const MARK: Record<string, string> = { true: '✔', false: '✖', unknown: '?' };

export const validityCell = (v: Validity): Cell => ({ html: `<span class="v-${String(v)}">${MARK[String(v)]} ${String(v)}</span>` });

export const rowClass = (v: Validity): string | undefined => (v === false ? 'bad' : v === true ? undefined : 'unk');
