// How a scenario repeat becomes a mocha verdict: a repeat that could not run or whose checks
// did not all hold fails the test, with every failing check and where the report lies; a
// repeat that passed only on a rerun passes, flagged FLAKY for the summary reporter.
import { flakyNote, isFlakyRepeat } from '../../src/orchestrator/report/flaky.js';
import type { RepeatReport } from '../../src/orchestrator/report/report-types.js';

/** The property test/summary-reporter.cjs reads on a passed mocha Test. */
export const FLAKY_MARK = 'failoverLabFlaky';

export const assertRepeatPassed = (repeat: RepeatReport, reportDir: string): void => {
  if (repeat.passed) return;
  const failing = repeat.checks.filter((c) => c.valid !== true).map((c) => `  ${c.valid === false ? '✖' : '?'} ${c.name}: ${c.detail}`);
  const reruns = repeat.failedAttempts?.length
    ? [`  failed ${repeat.failedAttempts.length + 1} attempts; earlier ones in ${repeat.failedAttempts.map((a) => a.dir).join(', ')}`]
    : [];
  throw new Error(
    [
      `repeat ${repeat.index} (seed ${repeat.seed}) failed`,
      ...(repeat.error ? [`  error: ${repeat.error}`] : []),
      ...failing,
      ...reruns,
      `  report: ${reportDir}/report.html${repeat.pcaps.length ? `; pcaps: ${repeat.pcaps.join(', ')}` : ''}`,
    ].join('\n'),
  );
};

/** Flags the running mocha test FLAKY when its repeat passed on a rerun. */
export const markIfFlaky = (test: Mocha.Runnable | undefined, scenario: string, repeat: RepeatReport): void => {
  if (test && isFlakyRepeat(repeat)) Object.assign(test, { [FLAKY_MARK]: { scenario, note: flakyNote(repeat) } });
};
