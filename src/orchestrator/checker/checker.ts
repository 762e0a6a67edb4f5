// A checker is a pure function of the history (Jepsen's checker): it can be re-run on a
// stored history, and tests need nothing but hand-built histories. Results merge with the
// priority false > unknown > true: a checker that could not decide must never hide a failure,
// and must never pass a run either.
import { errorMessage } from '../../common/errors.js';
import type { RunHistory } from '../history/history-types.js';
import type { CheckResult, Validity } from './check-result.js';

export type { CheckResult, Validity };

export interface Checker {
  name: string;
  check(history: RunHistory): CheckResult;
}

/** false > unknown > true; no results at all is true (nothing was asked). */
export function mergeValidity(validities: Iterable<Validity>): Validity {
  let merged: Validity = true;
  for (const v of validities) {
    if (v === false) return false;
    if (v !== true) merged = 'unknown';
  }
  return merged;
}

/**
 * Runs one checker so that it cannot take the report down (Jepsen's check-safe): a throw,
 * or a result that is not a CheckResult, becomes a valid 'unknown' result saying why.
 */
export function checkSafe(checker: Checker, history: RunHistory): CheckResult {
  const name = typeof checker.name === 'string' && checker.name ? checker.name : 'unnamed check';
  try {
    const result: unknown = checker.check(history);
    if (!isResult(result)) {
      return { name, valid: 'unknown', detail: `checker returned ${describe(result)} instead of {valid, detail}` };
    }
    return { name: result.name || name, valid: result.valid, detail: String(result.detail ?? '') };
  } catch (error) {
    return { name, valid: 'unknown', detail: `checker threw: ${errorMessage(error)}` };
  }
}

export interface ComposedResult {
  valid: Validity;
  results: CheckResult[];
}

/** What an empty checker list yields: a run that was asked nothing has not passed anything. */
export const NO_CHECKS: CheckResult = {
  name: 'checks',
  valid: 'unknown',
  detail: 'no checks were given: a run that checks nothing cannot pass',
};

/** Every checker's result, in order, plus their merged validity. Never throws; never true for no checkers. */
export function runCheckers(checkers: readonly Checker[], history: RunHistory): ComposedResult {
  const results = checkers.length === 0 ? [NO_CHECKS] : checkers.map((c) => checkSafe(c, history));
  return { valid: mergeValidity(results.map((r) => r.valid)), results };
}

export interface ComposedChecker extends Checker {
  checkAll(history: RunHistory): ComposedResult;
}

/** Many checkers as one: `check` gives the merged verdict naming the checks that did not pass. */
export function composeCheckers(checkers: readonly Checker[], name = 'all checks'): ComposedChecker {
  const checkAll = (history: RunHistory) => runCheckers(checkers, history);
  return {
    name,
    checkAll,
    check(history) {
      const { valid, results } = checkAll(history);
      const notPassed = results.filter((r) => r.valid !== true);
      const detail =
        notPassed.length === 0
          ? `${results.length} checks passed`
          : notPassed.map((r) => `${r.name}: ${r.valid === false ? 'failed' : 'unknown'} (${r.detail})`).join('; ');
      return { name, valid, detail };
    },
  };
}

function isResult(value: unknown): value is CheckResult {
  if (typeof value !== 'object' || value === null) return false;
  const valid = (value as { valid?: unknown }).valid;
  return valid === true || valid === false || valid === 'unknown';
}

const describe = (value: unknown): string =>
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- every object is described before String()
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object without valid' : String(value);
