import { strict as assert } from 'node:assert';
import { findOwnership, type BalancerView } from '../../../../src/daemons/nat-lb/controller/repairs.js';
import type { NatMode, VipStats } from '../../../../src/daemons/nat-lb/protocol.js';

describe('nat-lb controller: ownership from the mode tables (recovery)', () => {
  const vs = (vip: string, mode: NatMode, rows = 0): VipStats => ({ vip, mode, bytes: 0, packets: 0, held: 0, rows });
  const view = (name: string, vips: VipStats[], health: BalancerView['health'] = 'alive'): BalancerView => ({ name, health, vips });
  const find = (balancers: BalancerView[], assignment: [string, string][] = [], configVips: string[] = []) =>
    findOwnership({ balancers, configVips, assignment: new Map(assignment) });
  it('one normal holder owns it', () => {
    assert.deepEqual(find([view('A', [vs('v1', 'normal')]), view('B', [])]), [{ kind: 'owned', vip: 'v1', owner: 'A' }]);
  });
  it('normal on A and migration on B: resume the planned move', () => {
    assert.deepEqual(find([view('A', [vs('v1', 'normal')]), view('B', [vs('v1', 'migration')])]), [
      { kind: 'resume-planned', vip: 'v1', from: 'A', to: 'B' },
    ]);
  });
  it('migration on B only: resume as failover, from the dead holder, noting rows already there', () => {
    assert.deepEqual(find([view('A', [vs('v1', 'normal')], 'dead'), view('B', [vs('v1', 'migration', 3)])]), [
      { kind: 'resume-failover', vip: 'v1', from: 'A', to: 'B', rowsPresent: true },
    ]);
    assert.deepEqual(find([view('A', []), view('B', [vs('v1', 'migration')])]), [
      { kind: 'resume-failover', vip: 'v1', to: 'B', rowsPresent: false },
    ]);
  });
  it('held only by a dead balancer, or by nobody: failover', () => {
    assert.deepEqual(find([view('A', [vs('v1', 'normal')], 'dead'), view('B', [])]), [{ kind: 'failover', vip: 'v1', from: 'A' }]);
    assert.deepEqual(find([view('A', []), view('B', [])], [], ['v9']), [{ kind: 'failover', vip: 'v9' }]);
  });
  it('two normal holders: keep the assigned one, else the one with rows, else the first', () => {
    const both = [view('A', [vs('v1', 'normal', 1)]), view('B', [vs('v1', 'normal', 5)])];
    assert.deepEqual(find(both, [['v1', 'A']]), [
      { kind: 'dedupe', vip: 'v1', keep: 'A', keepMode: 'normal', drop: [{ balancer: 'B', mode: 'normal' }] },
    ]);
    assert.deepEqual(find(both)[0], {
      kind: 'dedupe',
      vip: 'v1',
      keep: 'B',
      keepMode: 'normal',
      drop: [{ balancer: 'A', mode: 'normal' }],
    });
    const two = find([view('A', []), view('B', [vs('v1', 'migration')]), view('C', [vs('v1', 'migration')])]);
    assert.deepEqual(two, [{ kind: 'dedupe', vip: 'v1', keep: 'B', keepMode: 'migration', drop: [{ balancer: 'C', mode: 'migration' }] }]);
  });
});
