// report.html: the page a network engineer opens after a run. Verdict first, then figures
// across repeats, then per repeat the timeline and the evidence (checks, faults, streams).
// Self-contained: inline CSS and SVG, no script, no external assets; all text is escaped.
import type { RunHistory } from '../history/history-types.js';
import { SURVIVAL_WORDS, type RepeatReport, type RunReport, type StreamReport } from './report-types.js';
import { PAGE_CSS, badge, rowClass, table, validityCell, type Cell } from './html-kit.js';
import { streamLabel } from '../checker/stream-select.js';
import { timelineSvg } from './timeline-svg.js';
import { escapeHtml as h } from './xml-escape.js';
import { attemptProblem, isFlakyRepeat } from './flaky.js';

const FLAKY_BADGE = '<span class="badge" style="background:#b7791f">FLAKY</span>';
const verdictBadges = (r: RepeatReport): string => badge(r.passed) + (isFlakyRepeat(r) ? ` ${FLAKY_BADGE}` : '');

const TOP_STREAMS = 20;

const FIGURES: Record<string, string> = {
  maxGapMs: 'max gap per repeat (ms)',
  resets: 'resets per repeat',
  reconnects: 'reconnects per repeat',
  bytesLost: 'bytes lost per repeat',
  bytesDuplicated: 'bytes duplicated per repeat',
  bytesCorrupt: 'bytes corrupt per repeat',
  survivalRate: 'streams that kept their connection, share per repeat',
  streamMaxGapMs: 'max gap per stream (ms), all repeats',
  gapMs: 'every gap (ms), all repeats',
};

/** `histories[i]` belongs to `report.repeats[i]`; a missing one only drops the throughput plot. */
export function reportHtml(report: RunReport, histories: readonly (RunHistory | undefined)[] = []): string {
  const passedCount = report.repeats.filter((r) => r.passed).length;
  const head = `<h1>${h(report.scenario)} ${badge(report.passed)}${report.flaky ? ` ${FLAKY_BADGE}` : ''}</h1>
<div class="meta">seed <b>${report.seed}</b> · ${report.repeats.length} repeat${report.repeats.length === 1 ? '' : 's'}, ${passedCount} passed · started ${h(report.startedAt)} · <code>${h(report.file)}</code></div>`;
  const parts = [head, survivalLine(report)];
  if (report.repeats.length > 1) parts.push(aggregateSection(report), overviewSection(report));
  report.repeats.forEach((r, i) => parts.push(repeatSection(r, histories[i])));
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${h(`${report.scenario} — ${report.passed ? 'PASS' : 'FAIL'} — failover-lab`)}</title>
<style>${PAGE_CSS}</style></head>
<body><main>
${parts.join('\n')}
<p class="small">failover-lab report · report.json and junit.xml sit beside this file.</p>
</main></body></html>
`;
}

/** "expect: transparent — held", with the reason, right under the verdict. */
function survivalLine(report: RunReport): string {
  const s = report.survivalClass;
  if (s === undefined) return '';
  const verdict = `<span class="v-${String(s.valid)}">${SURVIVAL_WORDS[String(s.valid)]}</span>`;
  return `<p class="survival">expect: <b>${h(s.expect)}</b> — ${verdict}` + ` <span class="small">${h(s.detail)}</span></p>`;
}

function aggregateSection(report: RunReport): string {
  const rows = Object.entries(report.aggregate).map(([key, d]) => ({ cells: [FIGURES[key] ?? key, d.p50, d.p95, d.max] as Cell[] }));
  return `<h2>Across ${report.repeats.length} repeats</h2>\n${table(['figure', 'p50', 'p95', 'max'], rows)}`;
}

function overviewSection(report: RunReport): string {
  const rows = report.repeats.map((r) => {
    const worst = r.streams.reduce((m, s) => Math.max(m, s.maxGapMs), 0);
    const sum = (f: (s: StreamReport) => number) => r.streams.reduce((t, s) => t + f(s), 0);
    const failed = r.checks
      .filter((c) => c.valid !== true)
      .map((c) => c.name)
      .join(', ');
    return {
      cls: r.passed ? undefined : 'bad',
      cells: [
        { html: `<a href="#repeat-${r.index}">#${r.index}</a>` },
        { html: verdictBadges(r) },
        r.seed,
        worst,
        sum((s) => s.resets),
        sum((s) => s.reconnects),
        sum((s) => s.bytesLost + s.bytesDuplicated + s.bytesCorrupt),
        r.error ?? failed,
      ] as Cell[],
    };
  });
  return `<h3>Repeats</h3>\n${table(['repeat', 'verdict', 'seed', 'max gap (ms)', 'resets', 'reconnects', 'bad bytes', 'not passed'], rows)}`;
}

function repeatSection(r: RepeatReport, history: RunHistory | undefined): string {
  const durationS = ((r.endMs - r.startMs) / 1000).toFixed(1);
  const out = [
    `<h2 id="repeat-${r.index}">Repeat #${r.index} ${verdictBadges(r)}</h2>`,
    `<div class="meta">seed <b>${r.seed}</b> · ${durationS} s · ${r.streams.length} streams · ${r.faults.length} faults · history <a href="${h(r.history)}">${h(r.history)}</a>${pcaps(r)}</div>`,
  ];
  if (r.error !== undefined) out.push(`<div class="error"><b>The repeat did not run to the end:</b> ${h(r.error)}</div>`);
  if (r.failedAttempts?.length) out.push(failedAttemptsList(r));
  out.push(timelineSvg(r, history));
  out.push(
    '<h3>Checks</h3>',
    table(
      ['check', 'valid', 'detail'],
      r.checks.map((c) => ({ cls: rowClass(c.valid), cells: [c.name, validityCell(c.valid), c.detail] })),
    ),
  );
  if (r.faults.length) {
    const rows = r.faults.map((f) => ({
      cells: [
        f.id,
        f.fault,
        f.targets.join(', '),
        (f.startMs - r.startMs) / 1000,
        f.endMs === undefined ? 'not healed' : (f.endMs - r.startMs) / 1000,
        f.endMs === undefined ? '' : f.endMs - f.startMs,
        f.detail ?? '',
      ] as Cell[],
    }));
    out.push('<h3>Faults</h3>', table(['id', 'fault', 'targets', 'start (s)', 'end (s)', 'duration (ms)', 'detail'], rows));
  }
  if (r.streams.length) out.push(streamsTable(r.streams));
  return out.join('\n');
}

function streamsTable(streams: readonly StreamReport[]): string {
  const top = [...streams].sort((a, b) => b.maxGapMs - a.maxGapMs).slice(0, TOP_STREAMS);
  const caption = streams.length > TOP_STREAMS ? `Streams (top ${TOP_STREAMS} of ${streams.length} by max gap)` : 'Streams';
  const rows = top.map((s) => ({
    cls: s.failed || s.bytesLost + s.bytesDuplicated + s.bytesCorrupt > 0 ? 'bad' : undefined,
    cells: [
      streamLabel(s),
      s.direction,
      s.maxGapMs,
      s.gaps.length,
      s.resets,
      s.reconnects,
      s.connections ?? '',
      s.bytes,
      s.bytesLost,
      s.bytesDuplicated,
      s.bytesCorrupt,
      s.failed ? `failed${s.failReason ? `: ${s.failReason}` : ''}` : 'ok',
    ] as Cell[],
  }));
  const head = ['stream', 'dir', 'max gap (ms)', 'gaps', 'resets', 'reconnects', 'conns', 'bytes', 'lost', 'dup', 'corrupt', 'state'];
  return `<h3>${h(caption)}</h3>\n${table(head, rows)}`;
}

function failedAttemptsList(r: RepeatReport): string {
  const items = (r.failedAttempts ?? []).map(
    (a) =>
      `<li>attempt ${a.attempt} failed: ${h(attemptProblem(a))} · ` +
      `<a href="${h(`${a.dir}/report.html`)}">its report</a> (pcaps and history in <code>${h(a.dir)}</code>)</li>`,
  );
  const verdict = r.passed ? `passed on attempt ${items.length + 1}` : 'failed every attempt';
  return `<div class="error"><b>Reruns: ${verdict}.</b><ul>${items.join('')}</ul></div>`;
}

const pcaps = (r: RepeatReport): string =>
  r.pcaps.length ? ` · pcaps ${r.pcaps.map((p) => `<a href="${h(p)}">${h(p)}</a>`).join(', ')}` : '';
