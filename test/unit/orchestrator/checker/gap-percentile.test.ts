import { strict as assert } from 'node:assert';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import { fault, history, summary, T0 } from '../fixtures.js';

describe('gapPercentile check', () => {
  const streams = [
    ...Array.from({ length: 19 }, (_, i) => summary({ stream: i, maxGapMs: 50 })),
    summary({ stream: 19, maxGapMs: 900 }),
    summary({ workload: 'other', stream: 0, maxGapMs: 400 }),
  ];

  it('bounds what most streams felt, not the unluckiest one', () => {
    const r = Checks.gapPercentile({ percentile: 90, maxMs: 100, workload: 'web' }).check(history([], streams));
    assert.equal(r.valid, true, r.detail);
    assert.match(r.detail, /max 900 ms/);
  });

  it('fails when the percentile is over the limit, and is unknown without streams', () => {
    assert.equal(Checks.gapPercentile({ percentile: 100, maxMs: 100, workload: 'web' }).check(history([], streams)).valid, false);
    assert.equal(
      Checks.gapPercentile({ percentile: 95, maxMs: 100 }).check(history([], streams)).valid,
      false,
      'p95 over both workloads includes 400 and 900',
    );
    assert.equal(Checks.gapPercentile({ percentile: 95, maxMs: 100, workload: 'none' }).check(history([], streams)).valid, 'unknown');
  });

  it('minMs: an outage shown on purpose must be at least that long; both bounds at once', () => {
    const atLeast = Checks.gapPercentile({ percentile: 5, minMs: 40, workload: 'web' }).check(history([], streams));
    assert.equal(atLeast.valid, true, atLeast.detail);
    assert.match(atLeast.detail, /≥ 40 ms$/);
    const short = Checks.gapPercentile({ percentile: 5, minMs: 100, workload: 'web' }).check(history([], streams));
    assert.equal(short.valid, false);
    assert.match(short.detail, /50 ms, max 900 ms < at least 100 ms/);
    const both = Checks.gapPercentile({ percentile: 50, minMs: 40, maxMs: 60, workload: 'web' }).check(history([], streams));
    assert.equal(both.valid, true, both.detail);
    assert.match(both.detail, /≥ 40 ms and ≤ limit 60 ms/);
  });

  it('counts only the gaps that end after the named fault started, when asked', () => {
    // Ramp-up stalls at +0.5 s (150 ms each), the move at +4 s (70 ms each, one stream 120 ms: p95 interpolates to 72.5).
    const moved = Array.from({ length: 20 }, (_, i) =>
      summary({
        stream: i,
        maxGapMs: 150,
        gaps: [
          { startMs: T0 + 500, endMs: T0 + 650 },
          { startMs: T0 + 4_000, endMs: T0 + 4_000 + (i === 19 ? 120 : 70) },
        ],
      }),
    );
    const h = history([fault(T0 + 3_990, 'start', 'command-1', 'command', ['s3'])], moved);
    assert.equal(Checks.gapPercentile({ percentile: 95, maxMs: 100 }).check(h).valid, false, 'the ramp-up counts without since');
    const since = Checks.gapPercentile({ percentile: 95, maxMs: 100, since: 'command-1' }).check(h);
    assert.equal(since.valid, true, since.detail);
    assert.match(since.detail, /since command-1: 73 ms, max 120 ms/);
    assert.equal(
      Checks.gapPercentile({ percentile: 95, maxMs: 100, since: 'command' }).check(h).valid,
      true,
      'a fault kind names its first fault',
    );
    assert.equal(Checks.gapPercentile({ percentile: 95, maxMs: 100, since: 'kill-1' }).check(h).valid, 'unknown');
    const late = history([fault(T0 + 5_000, 'start', 'command-1', 'command', ['s3'])], moved);
    assert.match(Checks.gapPercentile({ percentile: 95, maxMs: 100, since: 'command-1' }).check(late).detail, /: 0 ms, max 0 ms/);
  });
});
