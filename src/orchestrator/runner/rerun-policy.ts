// How often a failed repeat is run again. On a loaded machine one attempt can miss a timing
// target; a rerun that passes turns the repeat FLAKY (reported, never hidden), and a repeat
// that fails every attempt fails. Reruns use the same seed, so they replay the same faults.
import { RunOptionError } from './run-option-error.js';

export const DEFAULT_RERUNS = 2;
/** More reruns than this would hide a real regression behind luck. */
export const MAX_RERUNS = 5;
export const RERUNS_ENV = 'FAILOVER_LAB_RERUNS';

export interface RerunSources {
  /** The CLI's --reruns (wins over everything). */
  flag?: string | number;
  /** The environment variable FAILOVER_LAB_RERUNS. */
  env?: string;
  /** A scenario's own setting. */
  scenario?: number;
}

const parseCount = (value: string | number, where: string): number => {
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || Number(text) > MAX_RERUNS) {
    throw new RunOptionError(`${where} is '${value}': reruns must be a whole number from 0 to ${MAX_RERUNS}`);
  }
  return Number(text);
};

/** The number of reruns: --reruns, else $FAILOVER_LAB_RERUNS, else the scenario's, else 2. Empty values count as unset. */
export const resolveReruns = (sources: RerunSources): number => {
  if (sources.flag !== undefined && sources.flag !== '') return parseCount(sources.flag, '--reruns');
  if (sources.env !== undefined && sources.env.trim() !== '') return parseCount(sources.env, RERUNS_ENV);
  if (sources.scenario !== undefined) return parseCount(sources.scenario, "the scenario's reruns");
  return DEFAULT_RERUNS;
};

/** Whether attempt `attempt` (1-based) of a repeat is followed by another one. */
export const shouldRerun = (passed: boolean, attempt: number, reruns: number): boolean => !passed && attempt <= reruns;

export type RepeatVerdict = 'passed' | 'flaky' | 'failed';

/** A repeat's verdict from its attempts in order (the last one decides; an earlier failure makes a pass flaky). */
export const repeatVerdict = (attemptsPassed: readonly boolean[]): RepeatVerdict => {
  const last = attemptsPassed[attemptsPassed.length - 1];
  if (last !== true) return 'failed';
  return attemptsPassed.slice(0, -1).some((p) => !p) ? 'flaky' : 'passed';
};
