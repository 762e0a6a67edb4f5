// A fault that can repeat at line rate (a flood of forged packets, a missing peer) is reported
// the first time and then every 100th, with its count: the history shows it without drowning.
const RARE_REPORT_EVERY = 100;

/** Whether the `count`-th occurrence is one to report. */
export const isReported = (count: number): boolean => count === 1 || count % RARE_REPORT_EVERY === 0;
