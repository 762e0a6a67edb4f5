import { strict as assert } from 'node:assert';
import { DEFAULT_RERUNS, repeatVerdict, resolveReruns, shouldRerun } from '../../../../src/orchestrator/runner/rerun-policy.js';
import { RunOptionError } from '../../../../src/orchestrator/runner/run-option-error.js';

describe('rerun policy', () => {
  it('defaults to two reruns', () => {
    assert.equal(DEFAULT_RERUNS, 2);
    assert.equal(resolveReruns({}), 2);
    assert.equal(resolveReruns({ env: '' }), 2, 'an empty variable is unset');
  });

  it('takes --reruns over the environment over the scenario', () => {
    assert.equal(resolveReruns({ flag: '0', env: '3', scenario: 1 }), 0);
    assert.equal(resolveReruns({ env: '3', scenario: 1 }), 3);
    assert.equal(resolveReruns({ scenario: 1 }), 1);
    assert.equal(resolveReruns({ flag: 4 }), 4);
  });

  it('refuses a count that is not a whole number from 0 to 5, naming where it came from', () => {
    for (const [sources, where] of [
      [{ flag: '-1' }, /--reruns is '-1'/],
      [{ flag: 'two' }, /--reruns is 'two'/],
      [{ flag: '1.5' }, /--reruns/],
      [{ env: '6' }, /FAILOVER_LAB_RERUNS is '6'/],
      [{ scenario: 9 }, /scenario's reruns is '9'/],
    ] as const) {
      const named = (e: unknown) => e instanceof RunOptionError && where.test(e.message) && /0 to 5/.test(e.message);
      assert.throws(() => resolveReruns(sources), named);
    }
  });

  it('reruns a failed attempt while reruns are left, never a passed one', () => {
    assert.equal(shouldRerun(false, 1, 2), true);
    assert.equal(shouldRerun(false, 2, 2), true);
    assert.equal(shouldRerun(false, 3, 2), false, 'attempt 3 is the last of 1 + 2 reruns');
    assert.equal(shouldRerun(true, 1, 2), false);
    assert.equal(shouldRerun(false, 1, 0), false);
  });

  it('calls a pass after a failure flaky, a pass at once passed, and a last failure failed', () => {
    assert.equal(repeatVerdict([true]), 'passed');
    assert.equal(repeatVerdict([false, true]), 'flaky');
    assert.equal(repeatVerdict([false, false, true]), 'flaky');
    assert.equal(repeatVerdict([false, false, false]), 'failed');
    assert.equal(repeatVerdict([]), 'failed');
  });
});
