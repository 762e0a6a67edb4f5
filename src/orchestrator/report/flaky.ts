// FLAKY: a repeat that passed only on a rerun. One wording of what went wrong before, shared by
// the terminal, mocha's summary, JUnit and report.html.
import type { FailedAttempt, RepeatReport } from './report-types.js';

export const isFlakyRepeat = (r: RepeatReport): boolean => r.passed && (r.failedAttempts?.length ?? 0) > 0;

const TIMES = ['never', 'once', 'twice'];

/** What one failed attempt got wrong: its error, else its failing checks with their details. */
export const attemptProblem = (a: FailedAttempt): string =>
  a.error !== undefined
    ? `did not run to the end: ${a.error}`
    : a.failing.map((c) => `${c.name}: ${c.detail}`).join('; ') || 'no check held';

/** e.g. `repeat #1 failed once: max-gap ≤ 500 ms: max gap 512 ms` (the first failure's reasons). */
export const flakyNote = (r: RepeatReport): string => {
  const failed = r.failedAttempts ?? [];
  const times = TIMES[failed.length] ?? `${failed.length} times`;
  return `repeat #${r.index} failed ${times}: ${failed[0] ? attemptProblem(failed[0]) : ''}`;
};
