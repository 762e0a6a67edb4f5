import { strict as assert } from 'node:assert';
import { distribution, percentile, survivedTransparently } from '../../../../src/orchestrator/checker/stats.js';
import type { StreamReport } from '../../../../src/orchestrator/report/report-types.js';

const stream = (over: Partial<StreamReport>): StreamReport => ({
  workload: 'web',
  node: 'c1',
  stream: 0,
  direction: 's2c',
  maxGapMs: 0,
  gaps: [],
  resets: 0,
  reconnects: 0,
  eofs: 0,
  timeouts: 0,
  bytes: 0,
  bytesLost: 0,
  bytesDuplicated: 0,
  bytesCorrupt: 0,
  failed: false,
  ...over,
});

describe('percentile (linear interpolation)', () => {
  it('matches the R-7 / numpy rule', () => {
    const v = [15, 20, 35, 40, 50];
    assert.equal(percentile(v, 50), 35);
    assert.equal(percentile(v, 0), 15);
    assert.equal(percentile(v, 100), 50);
    assert.ok(Math.abs(percentile(v, 40) - 29) < 1e-9);
    assert.ok(Math.abs(percentile(v, 95) - 48) < 1e-9);
    assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  });
  it('does not care about input order, and handles one and zero values', () => {
    assert.equal(percentile([50, 15, 40, 20, 35], 50), 35);
    assert.equal(percentile([7], 95), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
    assert.equal(distribution([]), undefined);
    assert.deepEqual(distribution([1, 2, 3, 4, 5]), { p50: 3, p95: 4.8, max: 5 });
  });
});

describe('survivedTransparently', () => {
  it('is one connection with no reset, no reconnect and no failure', () => {
    assert.equal(survivedTransparently(stream({ connections: 1 })), true);
    assert.equal(survivedTransparently(stream({})), true);
    assert.equal(survivedTransparently(stream({ connections: 2, reconnects: 1 })), false);
    assert.equal(survivedTransparently(stream({ resets: 1 })), false);
    assert.equal(survivedTransparently(stream({ failed: true })), false);
    assert.equal(survivedTransparently(stream({ connections: 2 })), false);
  });
});
