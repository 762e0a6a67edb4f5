// Side by side: several scenario runs — typically one mechanism and its baseline under the
// same faults — as one verdict line per run, a chart of their gaps per repeat and of the
// connections they kept, and a table of p50 / p95 / max per figure, each row linking to its
// own full report; with `--bench`, a bench's figures below them (bench-figures.ts).
// comparison.json holds the same figures and lines for tools.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { benchFiguresHtml, seriesSummary, type BenchResult } from './bench-figures.js';
import { gapChart, keptChart, runColour } from './comparison-charts.js';
import { repeatFigures, runVerdict, type RepeatFigures } from './comparison-verdict.js';
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
  /** One line a person would say about the run: connections kept, bytes lost, longest gap. */
  verdict: string;
  perRepeat: RepeatFigures[];
}

export const comparisonRows = (runs: readonly ComparedRun[]): ComparisonRow[] =>
  runs.map(({ report, dir }) => ({
    scenario: report.scenario,
    dir,
    passed: report.repeats.filter((r) => r.passed).length,
    repeats: report.repeats.length,
    figures: Object.fromEntries(COMPARED_FIGURES.map(([key]) => [key, report.aggregate[key]])),
    verdict: runVerdict(report).line,
    perRepeat: report.repeats.map(repeatFigures),
  }));

const dist = (d: Distribution | undefined): Cell => ({
  html: d ? `${h(fmt(d.p50))} / ${h(fmt(d.p95))} / ${h(fmt(d.max))}` : '–',
  num: true,
});

const CHART_CSS = `.verdicts{list-style:none;padding:0;margin:10px 0 18px}.verdicts li{font-size:16px;margin:6px 0}
.swatch{display:inline-block;width:14px;height:14px;border-radius:2px;vertical-align:-2px;margin-right:8px}
svg.chart{display:block;margin:6px 0 14px;max-width:100%;height:auto}`;

export const comparisonHtml = (rows: readonly ComparisonRow[], benches: readonly BenchResult[] = []): string => {
  const all = rows.every((r) => r.passed === r.repeats);
  const names = h(rows.map((r) => r.scenario).join(' vs '));
  const verdicts = rows
    .map(
      (r, i) => `<li><span class="swatch" style="background:${runColour(i)}"></span>${badge(r.passed === r.repeats)} ${h(r.verdict)}</li>`,
    )
    .join('\n');
  const charts = rows.map((r) => ({ scenario: r.scenario, repeats: r.perRepeat }));
  const body = table(
    ['scenario', 'repeats passed', ...COMPARED_FIGURES.map(([, label]) => `${label}: p50 / p95 / max`)],
    rows.map((r) => ({
      cells: [
        { html: `<a href="${h(`${r.dir}/report.html`)}">${h(r.scenario)}</a>` },
        `${r.passed}/${r.repeats}`,
        ...COMPARED_FIGURES.map(([key]) => dist(r.figures[key])),
      ],
      ...(r.passed === r.repeats ? {} : { cls: 'bad' }),
    })),
  );
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>comparison: ${names}</title>` +
    `<style>${PAGE_CSS}${CHART_CSS}</style></head>` +
    `<body><main><h1>${names} ${badge(all)}</h1>` +
    `<p class="meta">The same fault under each mechanism. A connection is kept when its stream never needed a second TCP connection; ` +
    `a gap is the longest time a client received nothing.</p><ul class="verdicts">\n${verdicts}\n</ul>` +
    `<h2>Longest gap per repeat</h2>` +
    `<p class="small">Bars: the worst stream of the repeat; dots: each stream's own longest gap.</p>${gapChart(charts)}` +
    `<h2>Connections kept</h2>${keptChart(charts)}` +
    `<h2>Figures</h2><p class="meta">Each row is one scenario run; every figure is taken per repeat and summarised over the repeats. ` +
    `The scenario names link to their full reports (timelines, checks, streams).</p>${body}` +
    `${benches.map(benchFiguresHtml).join('')}</main></body></html>\n`
  );
};

export const writeComparison = async (
  dir: string,
  runs: readonly ComparedRun[],
  benches: readonly BenchResult[] = [],
): Promise<{ json: string; html: string }> => {
  await mkdir(dir, { recursive: true });
  const rows = comparisonRows(runs);
  const json = path.join(dir, 'comparison.json');
  const html = path.join(dir, 'comparison.html');
  const benchJson = benches.map((b) => ({ bench: b.bench, startedAt: b.startedAt, figures: b.series.map(seriesSummary) }));
  await writeFile(json, JSON.stringify({ runs: rows, ...(benches.length > 0 ? { benches: benchJson } : {}) }, null, 2) + '\n');
  await writeFile(html, comparisonHtml(rows, benches));
  return { json, html };
};
