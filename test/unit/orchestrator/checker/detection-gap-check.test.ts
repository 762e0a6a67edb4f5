import { strict as assert } from 'node:assert';
import { gapBeyondDetection } from '../../../../src/orchestrator/checker/detection-gap-check.js';
import { daemon, fault, history, summary, T0 } from '../fixtures.js';

describe('gap beyond detection', () => {
  const check = gapBeyondDetection({ detection: { kind: 'daemon', node: 's2', event: 'mode', where: { to: 'ACTIVE' } }, maxMs: 20 });
  const entries = [
    daemon(T0 + 500, 's2', 'mode', { to: 'STANDBY' }),
    fault(T0 + 1000, 'start', 'crash-1', 'crash', ['s1']),
    daemon(T0 + 1300, 's2', 'mode', { to: 'ACTIVE' }),
  ];

  it("passes when every stream's gap is within maxMs of the detection time, and says by how much", () => {
    const r = check.check(history(entries, [summary({ stream: 1, maxGapMs: 310 }), summary({ stream: 2, maxGapMs: 318 })]));
    assert.equal(r.valid, true, r.detail);
    assert.match(r.detail, /detection 300 ms; worst web\/client1#2: gap 318 ms = detection \+ 18 ms/);
  });

  it('fails a stream whose gap exceeds detection by more than maxMs', () => {
    const r = check.check(history(entries, [summary({ stream: 1, maxGapMs: 310 }), summary({ stream: 2, maxGapMs: 400 })]));
    assert.equal(r.valid, false);
    assert.match(r.detail, /\+ 100 ms > \+20 ms/);
  });

  it('is unknown without a fault, or without a detection after it (a mode change before the fault does not count)', () => {
    assert.equal(check.check(history([entries[0]!, entries[2]!], [summary({ maxGapMs: 1 })])).valid, 'unknown');
    assert.equal(check.check(history(entries.slice(0, 2), [summary({ maxGapMs: 1 })])).valid, 'unknown');
  });

  it('with a percentile, bounds that share of the streams and counts only gaps after the fault', () => {
    const p95 = gapBeyondDetection({
      detection: { kind: 'daemon', node: 's2', event: 'mode', where: { to: 'ACTIVE' } },
      maxMs: 20,
      percentile: 95,
    });
    // 20 streams: a ramp-up gap of 900 ms before the fault, then detection + 10 ms; one unlucky stream + 200 ms.
    const streams = Array.from({ length: 20 }, (_, i) =>
      summary({
        stream: i,
        maxGapMs: 900,
        gaps: [
          { startMs: T0 + 50, endMs: T0 + 950 },
          { startMs: T0 + 1000, endMs: T0 + 1000 + (i === 19 ? 500 : 310) },
        ],
      }),
    );
    const r = p95.check(history(entries, streams));
    assert.equal(r.valid, true, r.detail);
    assert.match(
      r.detail,
      /p95 of 20 streams' gaps = detection \+ 20 ms; worst web\/client1#19: gap 500 ms = detection \+ 200 ms; p95 ≤ \+20 ms/,
    );
    assert.equal(
      gapBeyondDetection({ ...{ detection: { kind: 'daemon', node: 's2', event: 'mode', where: { to: 'ACTIVE' } } }, maxMs: 20 }).check(
        history(entries, streams),
      ).valid,
      false,
      'every stream: the unlucky one fails it',
    );
  });
});
