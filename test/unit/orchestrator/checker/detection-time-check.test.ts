import { strict as assert } from 'node:assert';
import { detectionWithin } from '../../../../src/orchestrator/checker/detection-time-check.js';
import { daemon, fault, history, summary, T0 } from '../fixtures.js';

describe('detection time', () => {
  const check = detectionWithin({ detection: { kind: 'daemon', node: 's2', event: 'mode', where: { to: 'ACTIVE' } }, maxMs: 350 });
  const before = daemon(T0 + 500, 's2', 'mode', { to: 'ACTIVE' });
  const crash = fault(T0 + 1000, 'start', 'crash-1', 'crash', ['s1']);
  const streams = [summary({ maxGapMs: 400 })];

  it('passes when the detection entry comes within maxMs of the first fault start, and says when', () => {
    const r = check.check(history([before, crash, daemon(T0 + 1310, 's2', 'mode', { to: 'ACTIVE' })], streams));
    assert.equal(r.valid, true, r.detail);
    assert.match(r.detail, /310 ms after crash-1 started ≤ 350 ms$/);
  });

  it('fails a late detection, and one that never came (an entry before the fault does not count)', () => {
    const late = check.check(history([crash, daemon(T0 + 1351, 's2', 'mode', { to: 'ACTIVE' })], streams));
    assert.equal(late.valid, false);
    assert.match(late.detail, /351 ms after crash-1 started > 350 ms/);
    const never = check.check(history([before, crash], streams));
    assert.equal(never.valid, false);
    assert.match(never.detail, /never detected/);
  });

  it('is unknown without a fault', () => {
    assert.equal(check.check(history([before], streams)).valid, 'unknown');
  });
});
