import { strict as assert } from 'node:assert';
import { ratioCycle, SmoothWeightedRoundRobin } from '../../../../src/daemons/redirector/front/ratio-schedule.js';

const tally = (picks: readonly (string | undefined)[]) => {
  const t: Record<string, number> = {};
  for (const p of picks) if (p !== undefined) t[p] = (t[p] ?? 0) + 1;
  return t;
};

describe('redirector: exact ratio scheduling', () => {
  it('2:1 gives exactly 200/100 of 300 new connections, and every prefix is within one pick', () => {
    const rr = new SmoothWeightedRoundRobin();
    rr.setWeights([
      { name: 'C', weight: 2 },
      { name: 'D', weight: 1 },
    ]);
    const picks = Array.from({ length: 300 }, () => rr.pick());
    assert.deepEqual(tally(picks), { C: 200, D: 100 });
    for (let n = 1; n <= 300; n++) {
      const c = picks.slice(0, n).filter((p) => p === 'C').length;
      assert.ok(Math.abs(c - (2 * n) / 3) < 1, `prefix ${n}: ${c} on C`);
    }
  });

  it('is exact again right after a ratio change (no credit carried over)', () => {
    const rr = new SmoothWeightedRoundRobin();
    rr.setWeights([
      { name: 'C', weight: 2 },
      { name: 'D', weight: 1 },
    ]);
    for (let i = 0; i < 7; i++) rr.pick();
    rr.setWeights([
      { name: 'C', weight: 1 },
      { name: 'D', weight: 3 },
    ]);
    assert.deepEqual(tally(Array.from({ length: 300 }, () => rr.pick())), { C: 75, D: 225 });
  });

  it('a zero weight (drain) gets nothing; no weight at all picks nobody', () => {
    const rr = new SmoothWeightedRoundRobin();
    rr.setWeights([
      { name: 'A', weight: 0 },
      { name: 'B', weight: 1 },
    ]);
    assert.deepEqual(tally(Array.from({ length: 10 }, () => rr.pick())), { B: 10 });
    rr.setWeights([{ name: 'A', weight: 0 }]);
    assert.equal(rr.pick(), undefined);
    assert.throws(() => rr.setWeights([{ name: 'A', weight: 1.5 }]), /A must be a non-negative integer, got 1.5/);
  });

  it('one kernel cycle: gcd-reduced, interleaved, bounded', () => {
    assert.deepEqual(
      ratioCycle([
        { name: 'C', weight: 4 },
        { name: 'D', weight: 2 },
      ]),
      ['C', 'D', 'C'],
    );
    assert.deepEqual(
      ratioCycle([
        { name: 'A', weight: 1 },
        { name: 'B', weight: 1 },
      ]),
      ['A', 'B'],
    );
    assert.deepEqual(ratioCycle([{ name: 'A', weight: 0 }]), []);
    assert.throws(
      () =>
        ratioCycle([
          { name: 'A', weight: 997 },
          { name: 'B', weight: 991 },
        ]),
      /cycle of 1988 picks; at most 1000/,
    );
    // Walking the cycle from its head 100 times over is the scheduler's 300 picks.
    const cycle = ratioCycle([
      { name: 'C', weight: 2 },
      { name: 'D', weight: 1 },
    ]);
    assert.deepEqual(tally(Array.from({ length: 300 }, (_, i) => cycle[i % cycle.length])), { C: 200, D: 100 });
  });
});
