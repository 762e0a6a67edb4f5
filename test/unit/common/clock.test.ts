import { strict as assert } from 'node:assert';
import { manualClock, systemClock } from '../../../src/common/clock.js';

describe('clock', () => {
  it('the manual clock moves both readings together, only when told', () => {
    const clock = manualClock(1_700_000_000_000);
    assert.deepEqual([clock.nowMs(), clock.monotonicMs()], [1_700_000_000_000, 0]);
    clock.advance(250);
    clock.advance(0.5);
    assert.deepEqual([clock.nowMs(), clock.monotonicMs()], [1_700_000_000_250.5, 250.5]);
  });

  it('the manual clock refuses to go back', () => {
    const clock = manualClock();
    assert.throws(() => clock.advance(-1), RangeError);
    assert.throws(() => clock.advance(Number.NaN), RangeError);
    assert.equal(clock.monotonicMs(), 0);
  });

  it('the system clock reads the wall clock and a monotonic one', () => {
    const before = Date.now();
    const wall = systemClock.nowMs();
    assert.ok(wall >= before && wall <= Date.now());
    const a = systemClock.monotonicMs();
    assert.ok(systemClock.monotonicMs() >= a);
  });
});
