import { strict as assert } from 'node:assert';
import { ByteRatePolicy, type BalancerLoad, type PolicyInput } from '../../../../src/daemons/nat-lb/controller/policy.js';
import { RateTracker } from '../../../../src/daemons/nat-lb/controller/rate-tracker.js';
import type { NatMode } from '../../../../src/daemons/nat-lb/protocol.js';

describe('nat-lb controller: rates and the byte-rate policy', () => {
  it('rates over the window; a move or a counter reset starts afresh', () => {
    const r = new RateTracker(1000);
    r.observe('v', 'A', 0, 0);
    assert.equal(r.rateBps('v'), 0);
    r.observe('v', 'A', 1000, 500);
    r.observe('v', 'A', 3000, 1000);
    assert.equal(r.rateBps('v'), 3000);
    r.observe('v', 'A', 3000, 2000);
    assert.equal(r.rateBps('v'), 0, 'nothing moved during the last window');
    r.observe('v', 'A', 4000, 2500);
    assert.equal(Math.round(r.rateBps('v')), 667, 'from the sample at the window start (t=1000) on');
    r.observe('v', 'B', 10, 2100);
    assert.equal(r.rateBps('v'), 0);
    r.observe('v', 'B', 5, 2200);
    assert.equal(r.rateBps('v'), 0, 'a smaller counter is a restart, not a negative rate');
  });

  const load = (name: string, vips: [string, number][], alive = true, mode: NatMode = 'normal'): BalancerLoad => ({
    name,
    alive,
    vips: vips.map(([vip, rateBps]) => ({ vip, mode, rateBps })),
  });
  const input = (nowMs: number, balancers: BalancerLoad[], migrating: string[] = []): PolicyInput => ({
    nowMs,
    balancers,
    migrating: new Set(migrating),
  });
  const policy = () => new ByteRatePolicy({ thresholdPercent: 30, holdMs: 1000, minRateBps: 100, cooldownMs: 5000 });

  it('moves the VIP that best evens the balancers, only after the imbalance held for holdMs', () => {
    const p = policy();
    const lbs = [
      load('A', [
        ['v1', 600],
        ['v2', 300],
        ['v3', 100],
      ]),
      load('B', [['v4', 200]]),
    ];
    assert.deepEqual(p.decide(input(0, lbs)).kind, 'hold');
    assert.deepEqual(p.decide(input(999, lbs)).kind, 'hold');
    const v = p.decide(input(1000, lbs));
    // A 1000 vs B 200: moving v2 (300) leaves 700/500 (spread 200); v1 leaves 400/800 (400); v3 800/300.
    assert.deepEqual(v.kind === 'move' && [v.vip, v.from, v.to, v.spreadBeforeBps, v.spreadAfterBps], ['v2', 'A', 'B', 800, 200]);
    assert.equal(p.decide(input(1500, lbs)).kind, 'hold', 'cooldown after a decision');
  });
  it('resets the hold when the imbalance goes away, ignores idle noise, dead balancers and migrating VIPs', () => {
    const p = policy();
    const busy = [
      load('A', [
        ['v1', 600],
        ['v2', 400],
      ]),
      load('B', []),
    ];
    p.decide(input(0, busy));
    assert.equal(p.decide(input(500, [load('A', [['v1', 500]]), load('B', [['v2', 450]])])).kind, 'balanced');
    assert.equal(p.decide(input(1200, busy)).kind, 'hold', 'the hold restarted');
    assert.equal(policy().decide(input(0, [load('A', [['v1', 50]]), load('B', [])])).kind, 'balanced', 'below minRateBps');
    assert.equal(policy().decide(input(0, [load('A', [['v1', 600]]), load('B', [], false)])).kind, 'balanced', 'one live balancer');
    const q = policy();
    q.decide(input(0, busy, ['v2']));
    const v = q.decide(input(1000, busy, ['v2']));
    assert.deepEqual(v.kind === 'move' && v.vip, 'v1', 'never the migrating VIP');
  });
  it('does not move when no single VIP makes it better (one hot VIP)', () => {
    const p = policy();
    const lbs = [load('A', [['v1', 1000]]), load('B', [['v2', 10]])];
    p.decide(input(0, lbs));
    assert.equal(p.decide(input(1000, lbs)).kind, 'no-better-move');
  });
  it('places an orphan on the least loaded live balancer, minus exclusions', () => {
    const lbs = [load('A', [['v1', 600]], false), load('B', [['v2', 300]]), load('C', [['v3', 100]])];
    assert.equal(policy().place('v1', input(0, lbs), new Set()), 'C');
    assert.equal(policy().place('v1', input(0, lbs), new Set(['C'])), 'B');
    assert.equal(policy().place('v1', input(0, lbs), new Set(['B', 'C'])), undefined);
  });
});
