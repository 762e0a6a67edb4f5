import { strict as assert } from 'node:assert';
import { InputFileError } from '../../../../src/common/errors.js';
import { parseControllerConfig } from '../../../../src/daemons/nat-lb/controller/controller-config.js';
import { FailureDetector } from '../../../../src/daemons/nat-lb/controller/failure-detector.js';
import { ByteRatePolicy, type BalancerLoad, type PolicyInput } from '../../../../src/daemons/nat-lb/controller/policy.js';
import { RateTracker } from '../../../../src/daemons/nat-lb/controller/rate-tracker.js';
import { findOwnership, type BalancerView } from '../../../../src/daemons/nat-lb/controller/repairs.js';
import type { NatMode, VipStats } from '../../../../src/daemons/nat-lb/protocol.js';

describe('nat-lb controller: failure detector', () => {
  it('unknown → alive on the first answer, dead after N misses in a row, alive again with the outage length', () => {
    const d = new FailureDetector(['A', 'B'], 3);
    assert.equal(d.allKnown(), false);
    assert.deepEqual(d.onPoll('A', true, 0).map((e) => e.event), ['balancer-alive']);
    assert.deepEqual(d.onPoll('A', false, 100), []);
    assert.deepEqual(d.onPoll('A', true, 200), [], 'a miss then an answer resets the count');
    d.onPoll('A', false, 300);
    d.onPoll('A', false, 400);
    const dead = d.onPoll('A', false, 500, 'ECONNREFUSED');
    assert.deepEqual(dead.map((e) => [e.event, e.data.balancer, e.data.misses, e.data.silentMs, e.data.error]), [['balancer-dead', 'A', 3, 300, 'ECONNREFUSED']]);
    assert.deepEqual(d.onPoll('A', false, 600), [], 'dead once');
    assert.equal(d.health('A'), 'dead');
    assert.equal(d.allKnown(), false, 'B never answered yet');
    for (const t of [0, 1, 2]) d.onPoll('B', false, t);
    assert.equal(d.allKnown(), true, 'a balancer that never answers becomes dead, so recovery is not blocked forever');
    assert.deepEqual(d.onPoll('A', true, 900).map((e) => [e.event, e.data.downMs]), [['balancer-alive', 400]]);
  });

  it('a balancer never seen alive needs the startup misses to be dead (it may still be starting)', () => {
    const d = new FailureDetector(['A'], 3, 5);
    for (const t of [0, 1, 2, 3]) assert.deepEqual(d.onPoll('A', false, t, 'ECONNREFUSED'), []);
    assert.equal(d.health('A'), 'unknown');
    assert.deepEqual(d.onPoll('A', false, 4).map((e) => e.event), ['balancer-dead']);
    d.onPoll('A', true, 5);
    for (const t of [6, 7]) d.onPoll('A', false, t);
    assert.deepEqual(d.onPoll('A', false, 8).map((e) => e.event), ['balancer-dead'], 'once seen, the normal miss count applies');
  });
});

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

  const load = (name: string, vips: [string, number][], alive = true, mode: NatMode = 'normal'): BalancerLoad => ({ name, alive, vips: vips.map(([vip, rateBps]) => ({ vip, mode, rateBps })) });
  const input = (nowMs: number, balancers: BalancerLoad[], migrating: string[] = []): PolicyInput => ({ nowMs, balancers, migrating: new Set(migrating) });
  const policy = () => new ByteRatePolicy({ thresholdPercent: 30, holdMs: 1000, minRateBps: 100, cooldownMs: 5000 });

  it('moves the VIP that best evens the balancers, only after the imbalance held for holdMs', () => {
    const p = policy();
    const lbs = [load('A', [['v1', 600], ['v2', 300], ['v3', 100]]), load('B', [['v4', 200]])];
    assert.deepEqual(p.decide(input(0, lbs)).kind, 'hold');
    assert.deepEqual(p.decide(input(999, lbs)).kind, 'hold');
    const v = p.decide(input(1000, lbs));
    // A 1000 vs B 200: moving v2 (300) leaves 700/500 (spread 200); v1 leaves 400/800 (400); v3 800/300.
    assert.deepEqual(v.kind === 'move' && [v.vip, v.from, v.to, v.spreadBeforeBps, v.spreadAfterBps], ['v2', 'A', 'B', 800, 200]);
    assert.equal(p.decide(input(1500, lbs)).kind, 'hold', 'cooldown after a decision');
  });
  it('resets the hold when the imbalance goes away, ignores idle noise, dead balancers and migrating VIPs', () => {
    const p = policy();
    const busy = [load('A', [['v1', 600], ['v2', 400]]), load('B', [])];
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

describe('nat-lb controller: ownership from the mode tables (recovery)', () => {
  const vs = (vip: string, mode: NatMode, rows = 0): VipStats => ({ vip, mode, bytes: 0, packets: 0, held: 0, rows });
  const view = (name: string, vips: VipStats[], health: BalancerView['health'] = 'alive'): BalancerView => ({ name, health, vips });
  const find = (balancers: BalancerView[], assignment: [string, string][] = [], configVips: string[] = []) =>
    findOwnership({ balancers, configVips, assignment: new Map(assignment) });
  it('one normal holder owns it', () => {
    assert.deepEqual(find([view('A', [vs('v1', 'normal')]), view('B', [])]), [{ kind: 'owned', vip: 'v1', owner: 'A' }]);
  });
  it('normal on A and migration on B: resume the planned move', () => {
    assert.deepEqual(find([view('A', [vs('v1', 'normal')]), view('B', [vs('v1', 'migration')])]), [{ kind: 'resume-planned', vip: 'v1', from: 'A', to: 'B' }]);
  });
  it('migration on B only: resume as failover, from the dead holder, noting rows already there', () => {
    assert.deepEqual(find([view('A', [vs('v1', 'normal')], 'dead'), view('B', [vs('v1', 'migration', 3)])]), [{ kind: 'resume-failover', vip: 'v1', from: 'A', to: 'B', rowsPresent: true }]);
    assert.deepEqual(find([view('A', []), view('B', [vs('v1', 'migration')])]), [{ kind: 'resume-failover', vip: 'v1', to: 'B', rowsPresent: false }]);
  });
  it('held only by a dead balancer, or by nobody: failover', () => {
    assert.deepEqual(find([view('A', [vs('v1', 'normal')], 'dead'), view('B', [])]), [{ kind: 'failover', vip: 'v1', from: 'A' }]);
    assert.deepEqual(find([view('A', []), view('B', [])], [], ['v9']), [{ kind: 'failover', vip: 'v9' }]);
  });
  it('two normal holders: keep the assigned one, else the one with rows, else the first', () => {
    const both = [view('A', [vs('v1', 'normal', 1)]), view('B', [vs('v1', 'normal', 5)])];
    assert.deepEqual(find(both, [['v1', 'A']]), [{ kind: 'dedupe', vip: 'v1', keep: 'A', keepMode: 'normal', drop: [{ balancer: 'B', mode: 'normal' }] }]);
    assert.deepEqual(find(both)[0], { kind: 'dedupe', vip: 'v1', keep: 'B', keepMode: 'normal', drop: [{ balancer: 'A', mode: 'normal' }] });
    const two = find([view('A', []), view('B', [vs('v1', 'migration')]), view('C', [vs('v1', 'migration')])]);
    assert.deepEqual(two, [{ kind: 'dedupe', vip: 'v1', keep: 'B', keepMode: 'migration', drop: [{ balancer: 'C', mode: 'migration' }] }]);
  });
});

describe('nat-lb controller: config', () => {
  const base = `node: ctl
token: controller-token
listen: 198.18.3.13:7900
peerToken: peer-token-1
balancers:
  - { name: lb-a, api: 198.18.3.1:7800 }
  - { name: lb-b, api: 198.18.3.2:7800, token: other-token }
copyStores:
  - { name: s1, api: 198.18.3.11:7901 }
`;
  it('fills defaults', () => {
    const c = parseControllerConfig(base, '/c.yml');
    assert.deepEqual([c.poll.intervalMs, c.poll.misses, c.migration.stepTimeoutMs, c.migration.failoverRows, c.migration.failoverOrder, c.policy.thresholdPercent, c.failover.enabled], [200, 3, 2000, 'copy-store', 'address-first', 30, true]);
  });
  it('names the line of a problem', () => {
    const rejects = (text: string, line: number, problem: RegExp) =>
      assert.throws(() => parseControllerConfig(text, '/c.yml'), (e: unknown) => e instanceof InputFileError && e.position.line === line && problem.test(e.message));
    rejects(base + 'migration: { failoverOrder: sideways }\n', 10, /failoverOrder: Invalid enum value/);
    rejects(base + '  - { name: s1, api: 198.18.3.12:7901 }\n', 10, /two copyStores are named 's1'/);
    rejects(base.replace('api: 198.18.3.1:7800', 'api: nowhere'), 6, /expected ADDR:PORT/);
    rejects(base + 'policy: { holdMS: 10 }\n', 10, /unknown key 'holdMS'/);
  });
});
