import { strict as assert } from 'node:assert';
import { aggregateRepeats } from '../../../../src/orchestrator/report/aggregate-repeats.js';
import type { RepeatReport, StreamReport } from '../../../../src/orchestrator/report/report-types.js';

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
const repeat = (index: number, streams: StreamReport[], error?: string): RepeatReport => ({
  index,
  seed: 1,
  passed: true,
  startMs: 0,
  endMs: 1,
  streams,
  faults: [],
  checks: [],
  pcaps: [],
  history: '',
  ...(error === undefined ? {} : { error }),
});

describe('aggregateRepeats', () => {
  it('summarises per-repeat maxima and sums, pools per-stream gaps, skips repeats that did not run', () => {
    const repeats = [
      repeat(1, [
        stream({ maxGapMs: 2000, gaps: [{ startMs: 0, endMs: 2000 }], resets: 1, bytesLost: 10 }),
        stream({ stream: 1, maxGapMs: 1000, gaps: [{ startMs: 0, endMs: 1000 }], resets: 1 }),
      ]),
      repeat(2, [stream({ maxGapMs: 3000, gaps: [{ startMs: 0, endMs: 3000 }] }), stream({ stream: 1 })]),
      repeat(3, [], 'deploy failed'),
    ];
    const agg = aggregateRepeats(repeats);
    assert.deepEqual(agg['maxGapMs'], { p50: 2500, p95: 2950, max: 3000 });
    assert.deepEqual(agg['resets'], { p50: 1, p95: 1.9, max: 2 });
    assert.deepEqual(agg['bytesLost'], { p50: 5, p95: 9.5, max: 10 });
    assert.deepEqual(agg['streamMaxGapMs'], { p50: 1500, p95: 2850, max: 3000 });
    assert.deepEqual(agg['gapMs'], { p50: 2000, p95: 2900, max: 3000 });
    // Repeat 1: both streams were reset; repeat 2: both kept their connection.
    assert.deepEqual(agg['survivalRate'], { p50: 0.5, p95: 0.95, max: 1 });
    assert.deepEqual(Object.keys(agg).sort(), [
      'bytesCorrupt',
      'bytesDuplicated',
      'bytesLost',
      'gapMs',
      'maxGapMs',
      'reconnects',
      'resets',
      'streamMaxGapMs',
      'survivalRate',
    ]);
  });
  it('leaves out figures with no values', () => {
    assert.deepEqual(aggregateRepeats([repeat(1, [], 'x')]), {});
    assert.equal(aggregateRepeats([repeat(1, [stream({})])])['gapMs'], undefined);
  });
});
