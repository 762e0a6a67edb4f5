import { strict as assert } from 'node:assert';
import { systemClock } from '../../../src/common/clock.js';
import { ProbeUsageError } from '../../../src/probe/cli-options.js';
import { ProbeClient } from '../../../src/probe/client.js';
import { GapTracker } from '../../../src/probe/gap-tracker.js';
import { Pacer } from '../../../src/probe/pattern-sender.js';
import {
  backoffMs,
  effectiveGapThresholdMs,
  expectedInterFrameMs,
  MIN_PACER_TICK_MS,
  PACER_TICK_MS,
  pacerTickMs,
} from '../../../src/probe/timing.js';

describe('probe gaps and timing', () => {
  it('records intervals between in-order arrivals longer than the threshold, in wall-clock ms', () => {
    const g = new GapTracker(100);
    for (const t of [1000, 1050, 1100, 1250, 1300, 1400, 1900]) g.arrival(t);
    assert.deepEqual(g.gaps, [
      { startMs: 1100, endMs: 1250 },
      { startMs: 1400, endMs: 1900 },
    ]);
    assert.equal(g.maxGapMs, 500);
  });

  it('says whether data arriving now would end a gap (never before the first data)', () => {
    const g = new GapTracker(100);
    assert.equal(g.silentAt(5000), false, 'no data yet: set-up is not a gap');
    g.arrival(1000);
    assert.equal(g.silentAt(1100), false);
    assert.equal(g.silentAt(1100.5), true);
  });

  it('closes an open gap at the end of the run', () => {
    const g = new GapTracker(100);
    g.arrival(1000);
    assert.deepEqual(g.finish(1500), { startMs: 1000, endMs: 1500 });
    assert.equal(g.finish(2000), undefined, 'finished once');
  });

  it('never lets the threshold fall below 3× the expected inter-frame time', () => {
    assert.equal(expectedInterFrameMs(0), 0);
    assert.equal(expectedInterFrameMs(1_000_000), PACER_TICK_MS);
    assert.equal(effectiveGapThresholdMs(100, 1_000_000, false), 100);
    assert.equal(effectiveGapThresholdMs(10, 1_000_000, false), 3 * PACER_TICK_MS);
    assert.equal(effectiveGapThresholdMs(100, 100, false), 3 * 640, '64-byte frames every 640 ms');
    assert.ok(effectiveGapThresholdMs(100, 0, true) > 100, 'ACK-paced progress is coarser');
    assert.equal(
      effectiveGapThresholdMs(10, 200_000, false, pacerTickMs(3)),
      10,
      'an echo client with 3 streams paces every 2 ms: 10 ms holds',
    );
    assert.equal(effectiveGapThresholdMs(10, 10_000, false, pacerTickMs(200)), 60, '200 streams tick every 20 ms');
  });

  it('ticks finely for a few paced streams and coarsely for many (≈ 10,000 writes/s at most)', () => {
    assert.equal(pacerTickMs(1), MIN_PACER_TICK_MS);
    assert.equal(pacerTickMs(20), MIN_PACER_TICK_MS);
    assert.equal(pacerTickMs(50), 5);
    assert.equal(pacerTickMs(120), 12);
    assert.equal(pacerTickMs(200), PACER_TICK_MS);
    assert.equal(pacerTickMs(1000), PACER_TICK_MS);
  });

  it('keeps a tick fixed by the caller whatever the stream count, and refuses one out of range', () => {
    const members = Array.from({ length: 200 }, () => ({ tick: () => {} }));
    const fixed = new Pacer(systemClock, 15);
    const free = new Pacer(systemClock);
    for (const m of members) {
      fixed.add(m);
      free.add(m);
    }
    assert.equal(fixed.tickMs, 15);
    assert.equal(free.tickMs, PACER_TICK_MS);
    for (const m of members) {
      fixed.remove(m);
      free.remove(m);
    }
    const client = (pacerTickMs: number) =>
      new ProbeClient({ host: '127.0.0.1', port: 1, streams: 1, direction: 'echo', rate: 1000, durationMs: 100, pacerTickMs });
    assert.throws(() => client(1), /pacer tick 1 ms: expected a whole number of ms from 2 to 20/);
    assert.throws(() => client(21), ProbeUsageError);
    assert.throws(() => client(2.5), ProbeUsageError);
    assert.doesNotThrow(() => client(15));
  });

  it('backs off from 50 ms to 1 s with jitter', () => {
    assert.equal(
      backoffMs(1, () => 1),
      50,
    );
    assert.equal(
      backoffMs(1, () => 0),
      25,
    );
    assert.equal(
      backoffMs(3, () => 1),
      200,
    );
    assert.equal(
      backoffMs(30, () => 1),
      1000,
    );
  });
  it('starts from a shorter first wait when told, still doubling to 1 s', () => {
    assert.deepEqual(
      [1, 2, 3].map((a) => backoffMs(a, () => 1, 10)),
      [10, 20, 40],
    );
    assert.equal(
      backoffMs(1, () => 0, 10),
      5,
    );
    assert.equal(
      backoffMs(0, () => 1, 10),
      0,
      'the first try after a break stays immediate',
    );
    assert.equal(
      backoffMs(20, () => 1, 10),
      1000,
    );
  });
});
