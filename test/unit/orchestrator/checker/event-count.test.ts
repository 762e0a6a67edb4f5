import { strict as assert } from 'node:assert';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import { T0, daemon, fault, history, probe, runner } from '../fixtures.js';

describe('eventCount / never (declarative invariants over the merged history)', () => {
  const h = history([
    runner(T0, 'deployed'),
    daemon(T0 + 1000, 'lb1', 'became-master', { vip: '198.18.0.100' }),
    fault(T0 + 5000, 'start', 'crash-1', 'crash', ['lb1']),
    daemon(T0 + 6000, 'lb2', 'became-master', { vip: '198.18.0.100' }),
    daemon(T0 + 6001, 'lb2', 'garp-sent', { vip: '198.18.0.100' }, 'arp-ha'),
    probe(T0 + 6500, { event: 'reset', offset: 1, error: 'ECONNRESET' }, { stream: 2 }),
    fault(T0 + 9000, 'end', 'crash-1', 'crash', ['lb1']),
  ]);

  it('counts daemon events by node, daemon, event and data fields', () => {
    assert.equal(Checks.eventCount({ kind: 'daemon', event: 'became-master', min: 2, max: 2 }).check(h).valid, true);
    assert.equal(Checks.eventCount({ kind: 'daemon', event: 'became-master', node: 'lb2', daemon: 'arp-ha', max: 1 }).check(h).valid, true);
    const r = Checks.eventCount({ kind: 'daemon', event: 'became-master', where: { vip: '198.18.0.100' }, max: 1 }).check(h);
    assert.equal(r.valid, false);
    assert.equal(r.name, 'count(daemon event=became-master vip=="198.18.0.100")');
    assert.match(r.detail, /2 entries match .* want ≤ 1; first at \+1\.000 s, \+6\.000 s/);
    assert.equal(Checks.eventCount({ kind: 'daemon', where: { vip: '10.0.0.1' }, min: 1 }).check(h).valid, false);
  });

  it('matches faults by nemesis or id, target node and phase', () => {
    assert.equal(Checks.eventCount({ kind: 'fault', fault: 'crash', event: 'start', min: 1, max: 1 }).check(h).valid, true);
    assert.equal(Checks.eventCount({ kind: 'fault', fault: 'crash-1', node: 'lb1', min: 2 }).check(h).valid, true);
    assert.equal(Checks.eventCount({ kind: 'fault', node: 'lb2', min: 1 }).check(h).valid, false);
  });

  it('never: passes on no match, fails naming when it happened', () => {
    assert.equal(Checks.never({ kind: 'probe', event: 'eof' }).check(h).valid, true);
    const r = Checks.never({ kind: 'probe', event: 'reset', name: 'no resets' }).check(h);
    assert.equal(r.name, 'no resets');
    assert.equal(r.valid, false);
    assert.match(r.detail, /1 entries match probe event=reset, want ≤ 0; first at \+6\.500 s/);
    assert.equal(Checks.never({ kind: 'probe', event: 'reset', stream: 3 }).check(h).valid, true);
    assert.equal(Checks.never({ kind: 'runner', event: 'error' }).check(h).valid, true);
  });

  it('counts only within a window: after the first mark (exclusive), until the first later end mark (exclusive)', () => {
    const w = history([
      runner(T0, 'deployed'),
      daemon(T0 + 500, 'dev', 'registered', { server: 'srv20' }),
      fault(T0 + 1500, 'start', 'link-down-1', 'link-down', ['srv20']),
      daemon(T0 + 1500, 'dev', 'registered', { server: 'srv20' }),
      daemon(T0 + 3000, 'dev', 'registered', { server: 'srv20' }),
      runner(T0 + 5000, 'workload-stopped'),
      daemon(T0 + 5000, 'dev', 'registered', { server: 'srv20' }),
      daemon(T0 + 6000, 'dev', 'registered', { server: 'srv20' }),
    ]);
    const reg = { kind: 'daemon', event: 'registered', where: { server: 'srv20' } } as const;
    const afterFault = { kind: 'fault', fault: 'link-down', event: 'start' } as const;
    const stopped = { kind: 'runner', event: 'workload-stopped' } as const;
    assert.equal(Checks.eventCount({ ...reg, min: 5, max: 5 }).check(w).valid, true, 'no window: the whole run');
    const r = Checks.eventCount({ ...reg, after: afterFault, until: stopped, min: 1, max: 1 }).check(w);
    assert.equal(r.valid, true, r.detail);
    assert.match(r.detail, /^1 entries match .* after \+1\.500 s until \+5\.000 s, want ≥ 1 and ≤ 1; first at \+3\.000 s$/);
    assert.equal(Checks.eventCount({ ...reg, after: afterFault, min: 3, max: 3 }).check(w).valid, true, 'after only: to the end');
    assert.equal(Checks.eventCount({ ...reg, until: stopped, min: 3, max: 3 }).check(w).valid, true, 'until only: from the start');
    assert.equal(Checks.never({ ...reg, after: stopped }).check(w).valid, false);
    const missing = Checks.eventCount({ ...reg, after: { kind: 'fault', fault: 'crash' }, max: 0 }).check(w);
    assert.equal(missing.valid, 'unknown', 'a window that never opened proves nothing');
    assert.match(missing.detail, /the window never opened: no entry matches fault fault=crash/);
    assert.throws(
      () => Checks.eventCount({ ...reg, until: { kind: 'runner', node: 'x' }, max: 0 }),
      /event count until: node does not apply/,
    );
  });

  it('rejects filter keys that do not apply to the kind, and a count without bounds', () => {
    assert.throws(() => Checks.eventCount({ kind: 'probe', daemon: 'arp-ha', max: 0 }), /daemon does not apply to kind 'probe'/);
    assert.throws(() => Checks.eventCount({ kind: 'probe' }), /give min or max/);
  });
});
