// How a scenario repeat becomes a mocha verdict: a repeat that could not run or whose checks
// did not all hold fails the test, with every failing check and where the report lies.
import type { RepeatReport } from '../../src/orchestrator/report/report-types.js';

export const assertRepeatPassed = (repeat: RepeatReport, reportDir: string): void => {
  if (repeat.passed) return;
  const failing = repeat.checks.filter((c) => c.valid !== true).map((c) => `  ${c.valid === false ? '✖' : '?'} ${c.name}: ${c.detail}`);
  throw new Error([
    `repeat ${repeat.index} (seed ${repeat.seed}) failed`,
    ...(repeat.error ? [`  error: ${repeat.error}`] : []),
    ...failing,
    `  report: ${reportDir}/report.html${repeat.pcaps.length ? `; pcaps: ${repeat.pcaps.join(', ')}` : ''}`,
  ].join('\n'));
};
