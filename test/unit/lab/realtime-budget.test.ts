import { strict as assert } from 'node:assert';
import { realtimeBudget } from '../../../src/lab/lab.js';

describe('realtime budget of daemon nodes', () => {
  it('shares 85% of a CPU among the nodes, at most 40% each', () => {
    assert.deepEqual(realtimeBudget(1), { periodUs: 100_000, runtimeUs: 40_000 });
    assert.deepEqual(realtimeBudget(2), { periodUs: 100_000, runtimeUs: 40_000 });
    assert.deepEqual(realtimeBudget(3), { periodUs: 100_000, runtimeUs: 28_333 });
    assert.equal(realtimeBudget(6).runtimeUs * 6 <= 85_000, true);
    assert.deepEqual(realtimeBudget(0), { periodUs: 100_000, runtimeUs: 40_000 });
  });
});
