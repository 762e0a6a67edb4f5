import { strict as assert } from 'node:assert';
import { FailureDetector } from '../../../../src/daemons/nat-lb/controller/failure-detector.js';
import { encodeLiveness, LivenessGuard } from '../../../../src/daemons/nat-lb/liveness.js';

const key = Buffer.from('nat-lb-liveness-key');
const beat = (seq: number, sentMs: number, node = 'lb1', boot = 'b1') => encodeLiveness({ v: 1, node, boot, seq, sentMs }, key);

describe('nat-lb liveness datagrams', () => {
  it('accepts signed, fresh, growing datagrams and refuses the rest with a reason', () => {
    const g = new LivenessGuard(key, 2000);
    assert.equal(g.accept(beat(1, 1000), 1000).ok, true);
    assert.deepEqual(g.accept(beat(1, 1000), 1001), { ok: false, reason: 'replay' });
    assert.deepEqual(g.accept(beat(2, 1000), 5000), { ok: false, reason: 'stale' });
    assert.deepEqual(g.accept(encodeLiveness({ v: 1, node: 'lb1', boot: 'b1', seq: 3, sentMs: 1000 }, Buffer.from('wrong-key!')), 1000), {
      ok: false,
      reason: 'auth',
    });
    assert.deepEqual(g.accept(Buffer.from('short'), 1000), { ok: false, reason: 'malformed' });
    // A restarted sender (new boot) starts its sequence again.
    assert.equal(g.accept(beat(1, 1000, 'lb1', 'b2'), 1000).ok, true);
  });

  it('declares a beating balancer dead after the silence, alive again on its next datagram, not on a poll', () => {
    const d = new FailureDetector(['lb1', 'lb2'], 3, 3, 300);
    d.onPoll('lb1', true, 0);
    d.onPoll('lb2', true, 0);
    d.onBeat('lb1', 0);
    assert.deepEqual(d.onSilenceCheck(250), []);
    const [dead] = d.onSilenceCheck(300);
    assert.equal(dead?.event, 'balancer-dead');
    assert.deepEqual([dead?.data.balancer, dead?.data.by], ['lb1', 'liveness']);
    assert.equal(d.health('lb1'), 'dead');
    // lb2 never sent a datagram: only polls judge it.
    assert.equal(d.health('lb2'), 'alive');
    // A poll answer while the datagrams are still missing does not revive it...
    assert.deepEqual(d.onPoll('lb1', true, 400), []);
    assert.equal(d.health('lb1'), 'dead');
    // ...the next datagram does.
    assert.equal(d.onBeat('lb1', 500)[0]?.event, 'balancer-alive');
    assert.equal(d.health('lb1'), 'alive');
  });
});
