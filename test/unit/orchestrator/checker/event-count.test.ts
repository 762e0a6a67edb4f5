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

  it('rejects filter keys that do not apply to the kind, and a count without bounds', () => {
    assert.throws(() => Checks.eventCount({ kind: 'probe', daemon: 'arp-ha', max: 0 }), /daemon does not apply to kind 'probe'/);
    assert.throws(() => Checks.eventCount({ kind: 'probe' }), /give min or max/);
  });
});
