import { strict as assert } from 'node:assert';
import { manualClock, refineWallClock, systemClock } from '../../../src/common/clock.js';

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

  it("the precise wall clock stays inside the wall clock's millisecond", () => {
    for (let i = 0; i < 10_000; i++) {
      const before = Date.now();
      const precise = systemClock.preciseNowMs();
      const after = Date.now();
      assert.ok(precise >= before && precise < after + 1, `${precise} outside [${before}, ${after + 1})`);
    }
  });

  it('refining keeps the offset while it agrees with the wall clock, re-takes it when not', () => {
    // First reading: no offset yet, the wall clock's own value.
    const first = refineWallClock(1000, 50.25, undefined);
    assert.deepEqual(first, { ms: 1000, offsetMs: 949.75 });
    // 0.5 ms later, same wall millisecond: the fraction comes from the monotonic clock.
    assert.deepEqual(refineWallClock(1000, 50.75, first.offsetMs), { ms: 1000.5, offsetMs: 949.75 });
    // The next millisecond, where the offset still agrees.
    assert.deepEqual(refineWallClock(1001, 51.25, first.offsetMs), { ms: 1001, offsetMs: 949.75 });
    // The wall clock ticked before the refined value did: re-taken, closer to the tick.
    const retaken = refineWallClock(1001, 51.125, first.offsetMs);
    assert.deepEqual(retaken, { ms: 1001, offsetMs: 949.875 });
    // A wall clock stepped back: never ahead of its millisecond.
    assert.deepEqual(refineWallClock(900, 52, retaken.offsetMs), { ms: 900, offsetMs: 848 });
  });

  it("the manual clock's precise reading is its wall reading", () => {
    const clock = manualClock(5);
    clock.advance(0.25);
    assert.equal(clock.preciseNowMs(), 5.25);
  });
});
