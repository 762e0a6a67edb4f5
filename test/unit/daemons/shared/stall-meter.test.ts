import { strict as assert } from 'node:assert';
import { parseSchedstat, stallShare } from '../../../../src/daemons/shared/stall-meter.js';

describe('stall meter (schedstat split of a stalled event loop)', () => {
  it('reads the run and wait nanoseconds of a schedstat line', () => {
    assert.deepEqual(parseSchedstat('18957123 740000000 12\n'), { runNs: 18957123, waitNs: 740000000 });
    assert.equal(parseSchedstat('garbage'), undefined);
  });

  it('splits a stall into time on the CPU, waiting for it, and asleep', () => {
    const from = { atMs: 1000, runNs: 5e6, waitNs: 1e6 };
    // 750 ms passed: 4 ms running, 739 ms runnable but off the CPU (starved), the rest asleep.
    assert.deepEqual(stallShare(from, { atMs: 1750, runNs: 9e6, waitNs: 740e6 }), { runMs: 4, waitMs: 739, blockedMs: 7 });
    // Blocked in a system call: neither running nor waiting.
    assert.deepEqual(stallShare(from, { atMs: 1120, runNs: 6e6, waitNs: 1e6 }), { runMs: 1, waitMs: 0, blockedMs: 119 });
  });
});
