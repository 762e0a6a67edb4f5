import { strict as assert } from 'node:assert';
import { gapMatchesFault } from '../../../../src/orchestrator/checker/fault-gap-check.js';
import type { RunHistory, WorkloadStreamSummary } from '../../../../src/orchestrator/history/history-types.js';

const stream = (n: number, gaps: [number, number][]): WorkloadStreamSummary => ({
  workload: 'main',
  node: 'cli',
  stream: n,
  direction: 's2c',
  connections: [],
  bytes: 1,
  resets: 0,
  eofs: 0,
  timeouts: 0,
  reconnects: 0,
  gaps: gaps.map(([startMs, endMs]) => ({ startMs, endMs })),
  maxGapMs: Math.max(0, ...gaps.map(([a, b]) => b - a)),
  bytesLost: 0,
  bytesDuplicated: 0,
  bytesCorrupt: 0,
  failed: false,
});
const history = (streams: WorkloadStreamSummary[], faultEnd = 3100): RunHistory => ({
  startMs: 0,
  endMs: 10_000,
  streams,
  entries: [
    { t: 1000, kind: 'fault', phase: 'start', id: 'link-flap-1', fault: 'link-flap', targets: ['cli:eth1'] },
    { t: faultEnd, kind: 'fault', phase: 'end', id: 'link-flap-1', fault: 'link-flap', targets: ['cli:eth1'] },
  ],
});
const check = gapMatchesFault({ extraMaxMs: 1300, toleranceMs: 300 });

describe('gap matches the measured fault', () => {
  it('passes one gap per stream between the fault duration and the extra allowed', () => {
    const r = check.check(history([stream(1, [[1000, 3600]]), stream(2, [[990, 4390]])]));
    assert.equal(r.valid, true, r.detail);
    assert.match(r.detail, /link-flap-1 lasted 2100 ms: want exactly 1 gap of 1800–3400 ms/);
  });
  it('fails a gap too long, too short, or a second gap', () => {
    assert.equal(check.check(history([stream(1, [[1000, 4500]])])).valid, false);
    assert.equal(check.check(history([stream(1, [[1000, 1500]])])).valid, false);
    assert.equal(
      check.check(
        history([
          stream(1, [
            [1000, 3600],
            [5000, 5200],
          ]),
        ]),
      ).valid,
      false,
    );
  });
  it('is unknown without a healed fault', () => {
    const h = history([stream(1, [[1000, 3600]])]);
    h.entries.pop();
    assert.equal(check.check(h).valid, 'unknown');
  });
});
