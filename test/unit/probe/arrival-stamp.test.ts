import { strict as assert } from 'node:assert';
import { manualClock } from '../../../src/common/clock.js';
import { ArrivalStamp } from '../../../src/probe/arrival-stamp.js';

describe('arrival stamp', () => {
  it('one date per wake-up: reads in the same poll phase share the first one', () => {
    const clock = manualClock(1000);
    const pending: Array<() => void> = [];
    const stamp = new ArrivalStamp(clock, (fn) => pending.push(fn));
    assert.equal(stamp.now(), 1000);
    clock.advance(12.5); // verifying the first stream's backlog
    assert.equal(stamp.now(), 1000, 'the second stream read in the same wake-up is dated like the first');
    assert.equal(pending.length, 1, 'one reset scheduled per wake-up');
    pending.shift()!();
    clock.advance(3);
    assert.equal(stamp.now(), 1015.5, 'the next wake-up takes a new date');
  });

  it('by default a wake-up ends with the poll phase (setImmediate), and dates come from the precise clock', async () => {
    let reading = 7.25;
    const stamp = new ArrivalStamp({ nowMs: () => Math.floor(reading), monotonicMs: () => reading, preciseNowMs: () => reading });
    assert.equal(stamp.now(), 7.25);
    reading = 9.5;
    assert.equal(stamp.now(), 7.25);
    await new Promise((r) => setImmediate(r));
    assert.equal(stamp.now(), 9.5);
  });
});
