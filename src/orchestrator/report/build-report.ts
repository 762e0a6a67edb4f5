// Assembles RepeatReport and RunReport from what the runner holds, so that "passed" means
// the same everywhere: a repeat passes only when it ran, was checked at all and every check is
// valid true ('unknown' is not a pass), and a run passes only when every repeat passed.
import { mergeValidity } from '../checker/checker.js';
import { survivalVerdictOf } from '../checker/survival-class.js';
import { aggregateRepeats } from './aggregate-repeats.js';
import type { RunHistory } from '../history/history-types.js';
import type { CheckResult, HostReport, RepeatReport, RunReport, SurvivalClassReport } from './report-types.js';
import { isFlakyRepeat } from './flaky.js';
import { faultReports, streamReports } from './stream-reports.js';

/** Where a repeat's history lives, relative to the report folder. */
export const historyPathFor = (index: number): string => `repeat-${index}/history.jsonl`;

export interface RepeatInput {
  index: number;
  seed: number;
  history: RunHistory;
  checks: CheckResult[];
  pcaps?: string[];
  error?: string;
}

export function buildRepeatReport(input: RepeatInput): RepeatReport {
  const { index, seed, history, checks, error } = input;
  const report: RepeatReport = {
    index,
    seed,
    passed: error === undefined && checks.length > 0 && mergeValidity(checks.map((c) => c.valid)) === true,
    startMs: history.startMs,
    endMs: history.endMs,
    streams: streamReports(history),
    faults: faultReports(history),
    checks,
    pcaps: input.pcaps ?? [],
    history: historyPathFor(index),
  };
  if (history.flows !== undefined) report.flows = history.flows;
  const survival = survivalVerdictOf(checks);
  if (survival !== undefined) report.survivalClass = survival;
  if (error !== undefined) report.error = error;
  return report;
}

export interface RunInput {
  scenario: string;
  file: string;
  seed: number;
  startedAt: string;
  repeats: RepeatReport[];
  host?: HostReport;
}

export function buildRunReport(input: RunInput): RunReport {
  const passed = input.repeats.length > 0 && input.repeats.every((r) => r.passed);
  const report: RunReport = {
    ...input,
    passed,
    ...(passed && input.repeats.some(isFlakyRepeat) ? { flaky: true } : {}),
    aggregate: aggregateRepeats(input.repeats),
  };
  const survival = runSurvival(input.repeats);
  return survival === undefined ? report : { ...report, survivalClass: survival };
}

/** Held when every repeat held it; else the first repeat that did not, by number. */
function runSurvival(repeats: readonly RepeatReport[]): SurvivalClassReport | undefined {
  const verdicts = repeats.flatMap((r) => (r.survivalClass === undefined ? [] : [{ index: r.index, ...r.survivalClass }]));
  const first = verdicts[0];
  if (first === undefined) return undefined;
  const valid = mergeValidity(verdicts.map((v) => v.valid));
  if (valid === true) {
    const detail = verdicts.length === 1 ? first.detail : `held in all ${verdicts.length} repeats; ${first.detail}`;
    return { expect: first.expect, valid, detail };
  }
  const worst = verdicts.find((v) => v.valid === false) ?? verdicts.find((v) => v.valid !== true)!;
  const missed = verdicts.filter((v) => v.valid !== true).length;
  const where = verdicts.length === 1 ? '' : `${missed} of ${verdicts.length} repeats, e.g. #${worst.index}: `;
  return { expect: first.expect, valid, detail: `${where}${worst.detail}` };
}
