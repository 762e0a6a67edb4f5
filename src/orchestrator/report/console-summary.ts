// The few lines printed in the terminal after a run: the verdict, one line per check (merged
// over repeats, so 20 repeats still print one line each), and the figures that matter.
import { mergeValidity } from '../checker/checker.js';
import { flakyNote, isFlakyRepeat } from './flaky.js';
import { SURVIVAL_WORDS, type CheckResult, type Distribution, type HostReport, type RunReport } from './report-types.js';

const MARK: Record<string, string> = { true: '✔', false: '✖', unknown: '?' };

export function consoleSummary(report: RunReport, reportPath?: string): string {
  const n = report.repeats.length;
  const passed = report.repeats.filter((r) => r.passed).length;
  const lines = [
    `${report.passed ? 'PASS' : 'FAIL'}  ${report.scenario}  seed ${report.seed}  ${passed}/${n} repeat${n === 1 ? '' : 's'} passed`,
  ];
  const survival = report.survivalClass;
  if (survival !== undefined) lines.push(`  expect: ${survival.expect} — ${SURVIVAL_WORDS[String(survival.valid)]} (${survival.detail})`);
  for (const r of report.repeats) if (r.error !== undefined) lines.push(`  ✖ repeat #${r.index} did not run to the end: ${r.error}`);
  for (const r of report.repeats.filter(isFlakyRepeat)) {
    lines.push(`  FLAKY ${flakyNote(r)} (attempt report: ${r.failedAttempts!.map((a) => a.dir).join(', ')})`);
  }
  for (const [name, results] of byCheck(report)) {
    const valid = mergeValidity(results.map((x) => x.result.valid));
    const worst = results.find((x) => x.result.valid === false) ?? results.find((x) => x.result.valid !== true) ?? results[0]!;
    const notPassed = results.filter((x) => x.result.valid !== true).length;
    const where = n === 1 ? '' : valid === true ? `(all ${n} repeats) ` : `(${notPassed}/${n} repeats, e.g. #${worst.index}) `;
    lines.push(`  ${MARK[String(valid)]} ${name}: ${where}${worst.result.detail}`);
  }
  const figures = figureLines(report);
  if (figures.length) lines.push(...figures);
  if (report.host) lines.push(hostLine(report.host));
  if (reportPath) lines.push(`report: ${reportPath}`);
  return lines.join('\n');
}

function byCheck(report: RunReport): Map<string, { index: number; result: CheckResult }[]> {
  const map = new Map<string, { index: number; result: CheckResult }[]>();
  for (const r of report.repeats) {
    for (const c of r.checks) map.set(c.name, [...(map.get(c.name) ?? []), { index: r.index, result: c }]);
  }
  return map;
}

function figureLines(report: RunReport): string[] {
  if (report.repeats.length === 1) {
    const r = report.repeats[0]!;
    if (r.streams.length === 0) return [];
    const sum = (f: (s: (typeof r.streams)[number]) => number) => r.streams.reduce((t, s) => t + f(s), 0);
    const maxGap = r.streams.reduce((m, s) => Math.max(m, s.maxGapMs), 0);
    return [
      `  ${r.streams.length} streams: max gap ${Math.round(maxGap)} ms, resets ${sum((s) => s.resets)}, reconnects ${sum((s) => s.reconnects)}, ` +
        `lost ${sum((s) => s.bytesLost)} B, duplicated ${sum((s) => s.bytesDuplicated)} B, corrupt ${sum((s) => s.bytesCorrupt)} B`,
    ];
  }
  const shown = ['survivalRate', 'maxGapMs', 'resets', 'reconnects', 'bytesLost', 'bytesDuplicated', 'bytesCorrupt'];
  const rows = shown.flatMap((key) => {
    const d: Distribution | undefined = report.aggregate[key];
    return d ? [`  ${key.padEnd(16)} ${num(d.p50).padStart(9)} ${num(d.p95).padStart(9)} ${num(d.max).padStart(9)}`] : [];
  });
  return rows.length ? [`  ${'over repeats'.padEnd(16)} ${'p50'.padStart(9)} ${'p95'.padStart(9)} ${'max'.padStart(9)}`, ...rows] : [];
}

const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** Where it ran, in one line: what a reader needs to weigh the timing (`failover-lab doctor` has the rest). */
export function hostLine(host: HostReport): string {
  const scheduling = host.scheduling.policy === 'nice' ? 'nice only' : `SCHED_RR (${host.scheduling.budget} budget)`;
  const missing = host.lines.filter((l) => l.status !== 'ok').map((l) => l.item);
  const engine = host.engine ? `Docker ${host.engine.version}` : 'no engine';
  return `host: ${engine}, cgroup ${host.cgroup ?? '?'}, ${scheduling}, ${host.cpus} CPUs; ${missing.length ? `missing: ${missing.join(', ')}` : 'nothing missing'}`;
}
