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

  it('passes when every stream\'s gap is within maxMs of the detection time, and says by how much', () => {
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
});
