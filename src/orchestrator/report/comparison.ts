// Side by side: several scenario runs — typically one mechanism and its baseline under the
// same faults — in one table of p50 / p95 / max per figure, each row linking to its own full
// report. comparison.json holds the same figures for tools.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PAGE_CSS, badge, fmt, table, type Cell } from './html-kit.js';
import type { Distribution, RunReport } from './report-types.js';
import { escapeHtml as h } from './xml-escape.js';

export interface ComparedRun {
  report: RunReport;
  /** The run's folder, relative to the comparison's folder. */
  dir: string;
}

/** Figures compared, in column order, with the reader's name for each. */
export const COMPARED_FIGURES: [key: string, label: string][] = [
  ['survivalRate', 'streams that kept their connection (share per repeat)'],
  ['maxGapMs', 'max gap per repeat (ms)'],
  ['resets', 'resets per repeat'],
  ['reconnects', 'reconnects per repeat'],
  ['bytesLost', 'bytes lost per repeat'],
];

export interface ComparisonRow {
  scenario: string;
  dir: string;
  passed: number;
  repeats: number;
  figures: Record<string, Distribution | undefined>;
}

export const comparisonRows = (runs: readonly ComparedRun[]): ComparisonRow[] =>
  runs.map(({ report, dir }) => ({
    scenario: report.scenario,
    dir,
    passed: report.repeats.filter((r) => r.passed).length,
    repeats: report.repeats.length,
    figures: Object.fromEntries(COMPARED_FIGURES.map(([key]) => [key, report.aggregate[key]])),
  }));

const dist = (d: Distribution | undefined): Cell => ({ html: d ? `${h(fmt(d.p50))} / ${h(fmt(d.p95))} / ${h(fmt(d.max))}` : '–', num: true });

export const comparisonHtml = (rows: readonly ComparisonRow[]): string => {
  const all = rows.every((r) => r.passed === r.repeats);
  const body = table(
    ['scenario', 'repeats passed', ...COMPARED_FIGURES.map(([, label]) => `${label}: p50 / p95 / max`)],
    rows.map((r) => ({
      cells: [{ html: `<a href="${h(`${r.dir}/report.html`)}">${h(r.scenario)}</a>` }, `${r.passed}/${r.repeats}`, ...COMPARED_FIGURES.map(([key]) => dist(r.figures[key]))],
      ...(r.passed === r.repeats ? {} : { cls: 'bad' }),
    })),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>comparison: ${h(rows.map((r) => r.scenario).join(' vs '))}</title><style>${PAGE_CSS}</style></head>` +
    `<body><main><h1>${h(rows.map((r) => r.scenario).join(' vs '))} ${badge(all)}</h1>` +
    `<p class="meta">Each row is one scenario run; every figure is taken per repeat and summarised over the repeats. The scenario names link to their full reports (timelines, checks, streams).</p>${body}</main></body></html>\n`;
};

export const writeComparison = async (dir: string, runs: readonly ComparedRun[]): Promise<{ json: string; html: string }> => {
  await mkdir(dir, { recursive: true });
  const rows = comparisonRows(runs);
  const json = path.join(dir, 'comparison.json');
  const html = path.join(dir, 'comparison.html');
  await writeFile(json, JSON.stringify({ runs: rows }, null, 2) + '\n');
  await writeFile(html, comparisonHtml(rows));
  return { json, html };
};
