// Escape hatch for invariants that need code (one ARP owner per VIP at every instant,
// affinity held...). The function stays a pure function of the history; a boolean answer is
// enough, and a throw is turned into 'unknown' by checkSafe when the checks are composed.
import type { RunHistory } from '../history/history-types.js';
import type { CheckResult, Validity } from './check-result.js';
import type { Checker } from './checker.js';

export type InvariantFn = (history: RunHistory) => Validity | { valid: Validity; detail?: string };

export function customInvariant(name: string, fn: InvariantFn): Checker {
  return {
    name,
    check(history: RunHistory): CheckResult {
      const answer = fn(history);
      if (answer === true || answer === false || answer === 'unknown') {
        return { name, valid: answer, detail: answer === true ? 'holds' : answer === false ? 'violated' : 'could not decide' };
      }
      if (typeof answer === 'object' && answer !== null && 'valid' in answer) {
        return { name, valid: answer.valid, detail: answer.detail ?? '' };
      }
      // A JavaScript caller can return anything; say so instead of guessing.
      return { name, valid: 'unknown', detail: `invariant returned ${String(answer)}, not a boolean or {valid}` };
    },
  };
}
