// One repeat with its reruns: a failed attempt's folder moves to attempts/repeat-<i>-attempt-<a>/
// with a report of its own (pcaps kept), and the repeat runs again with the same seed, until an
// attempt passes or the reruns are spent. The last attempt is the repeat's verdict.
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { LabContext } from '../../lab/lab-context.js';
import type { HistoryEntry, RunHistory } from '../history/history-types.js';
import { buildRepeatReport, buildRunReport } from '../report/build-report.js';
import type { FailedAttempt, RepeatReport } from '../report/report-types.js';
import { writeRunReport } from '../report/write-report.js';
import type { Scenario } from '../scenario/parse-scenario.js';
import { shouldRerun } from './rerun-policy.js';
import { runRepeat } from './run-repeat.js';

export interface AttemptsInput {
  scenario: Scenario;
  index: number;
  seed: number;
  /** The run's report folder; the repeat runs in <runDir>/repeat-<index>. */
  runDir: string;
  ctx: LabContext;
  reruns: number;
  pcapAlways: boolean;
  /** Leave the lab of the repeat's last attempt deployed. */
  keepLab: boolean;
  onEntry?: (entry: HistoryEntry) => void;
  onRerun?: (failed: RepeatReport, attempt: number) => void;
}

export interface RepeatResult {
  report: RepeatReport;
  history: RunHistory;
}

/** Deletes the pcaps of a repeat (kept only on failure unless asked). */
const dropPcaps = async (dir: string, pcaps: string[]): Promise<void> => {
  await Promise.all(pcaps.map((p) => rm(path.join(dir, p), { force: true })));
};

const attemptDirName = (index: number, attempt: number): string => `attempts/repeat-${index}-attempt-${attempt}`;

export const runRepeatWithReruns = async (input: AttemptsInput): Promise<RepeatResult> => {
  const { index, runDir } = input;
  const repeatDir = path.join(runDir, `repeat-${index}`);
  const failedAttempts: FailedAttempt[] = [];
  for (let attempt = 1; attempt <= input.reruns + 1; attempt++) {
    const outcome = await runRepeat({
      scenario: input.scenario,
      index,
      seed: input.seed,
      dir: repeatDir,
      ctx: input.ctx,
      keepLab: input.keepLab,
      ...(input.onEntry ? { onEntry: input.onEntry } : {}),
    });
    const report = buildRepeatReport({
      index,
      seed: input.seed,
      history: outcome.history,
      checks: outcome.checks,
      pcaps: outcome.pcaps.map((p) => `repeat-${index}/${p}`),
      ...(outcome.error ? { error: outcome.error } : {}),
    });
    // After Ctrl-C the repeat failed because it was stopped: running it again would ignore the user.
    const interrupted = input.ctx.signal?.aborted === true;
    if (!interrupted && shouldRerun(report.passed, attempt, input.reruns)) {
      if (outcome.lab) await outcome.lab.destroy();
      failedAttempts.push(await keepFailedAttempt(input, attempt, report, outcome.history));
      input.onRerun?.(report, attempt);
      continue;
    }
    if (report.passed && !input.pcapAlways) {
      await dropPcaps(repeatDir, outcome.pcaps);
      report.pcaps = [];
    }
    if (outcome.lab && !input.keepLab) await outcome.lab.destroy();
    if (failedAttempts.length > 0) report.failedAttempts = failedAttempts;
    return { report, history: outcome.history };
  }
  // Unreachable: the last attempt (reruns + 1) never reruns, so it returns above.
  throw new Error(`repeat ${index} of ${input.scenario.name}: no attempt ran (reruns ${input.reruns})`);
};

/** Moves the attempt's folder aside and writes its own report there, so its evidence survives the rerun. */
const keepFailedAttempt = async (
  input: AttemptsInput,
  attempt: number,
  report: RepeatReport,
  history: RunHistory,
): Promise<FailedAttempt> => {
  const rel = attemptDirName(input.index, attempt);
  const dir = path.join(input.runDir, rel);
  await mkdir(dir, { recursive: true });
  await rename(path.join(input.runDir, `repeat-${input.index}`), path.join(dir, `repeat-${input.index}`));
  const run = buildRunReport({
    scenario: `${input.scenario.name} (repeat #${input.index}, attempt ${attempt})`,
    file: input.scenario.file,
    seed: input.seed,
    startedAt: new Date(report.startMs).toISOString(),
    repeats: [report],
  });
  await writeRunReport(dir, run, [history]);
  return {
    attempt,
    failing: report.checks.filter((c) => c.valid !== true),
    ...(report.error !== undefined ? { error: report.error } : {}),
    dir: rel,
  };
};
