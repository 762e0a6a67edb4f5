import { strict as assert } from 'node:assert';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import { history, summary } from '../fixtures.js';

describe('gapPercentile check', () => {
  const streams = [...Array.from({ length: 19 }, (_, i) => summary({ stream: i, maxGapMs: 50 })), summary({ stream: 19, maxGapMs: 900 }), summary({ workload: 'other', stream: 0, maxGapMs: 400 })];

  it('bounds what most streams felt, not the unluckiest one', () => {
    const r = Checks.gapPercentile({ percentile: 90, maxMs: 100, workload: 'web' }).check(history([], streams));
    assert.equal(r.valid, true, r.detail);
    assert.match(r.detail, /max 900 ms/);
  });

  it('fails when the percentile is over the limit, and is unknown without streams', () => {
    assert.equal(Checks.gapPercentile({ percentile: 100, maxMs: 100, workload: 'web' }).check(history([], streams)).valid, false);
    assert.equal(Checks.gapPercentile({ percentile: 95, maxMs: 100 }).check(history([], streams)).valid, false, 'p95 over both workloads includes 400 and 900');
    assert.equal(Checks.gapPercentile({ percentile: 95, maxMs: 100, workload: 'none' }).check(history([], streams)).valid, 'unknown');
  });
});
