// Assembles RepeatReport and RunReport from what the runner holds, so that "passed" means
// the same everywhere: a repeat passes only when it ran and every check is valid true
// ('unknown' is not a pass), and a run passes only when every repeat passed.
import { mergeValidity } from '../checker/checker.js';
import { aggregateRepeats } from './aggregate-repeats.js';
import type { RunHistory } from '../history/history-types.js';
import type { CheckResult, RepeatReport, RunReport } from './report-types.js';
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
    passed: error === undefined && mergeValidity(checks.map((c) => c.valid)) === true,
    startMs: history.startMs,
    endMs: history.endMs,
    streams: streamReports(history),
    faults: faultReports(history),
    checks,
    pcaps: input.pcaps ?? [],
    history: historyPathFor(index),
  };
  if (error !== undefined) report.error = error;
  return report;
}

export interface RunInput {
  scenario: string;
  file: string;
  seed: number;
  startedAt: string;
  repeats: RepeatReport[];
}

export function buildRunReport(input: RunInput): RunReport {
  const passed = input.repeats.length > 0 && input.repeats.every((r) => r.passed);
  return {
    ...input,
    passed,
    ...(passed && input.repeats.some(isFlakyRepeat) ? { flaky: true } : {}),
    aggregate: aggregateRepeats(input.repeats),
  };
}
