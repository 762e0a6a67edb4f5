import { strict as assert } from 'node:assert';
import { FailureDetector } from '../../../../src/daemons/nat-lb/controller/failure-detector.js';

describe('nat-lb controller: failure detector', () => {
  it('unknown → alive on the first answer, dead after N misses in a row, alive again with the outage length', () => {
    const d = new FailureDetector(['A', 'B'], 3);
    assert.equal(d.allKnown(), false);
    assert.deepEqual(
      d.onPoll('A', true, 0).map((e) => e.event),
      ['balancer-alive'],
    );
    assert.deepEqual(d.onPoll('A', false, 100), []);
    assert.deepEqual(d.onPoll('A', true, 200), [], 'a miss then an answer resets the count');
    d.onPoll('A', false, 300);
    d.onPoll('A', false, 400);
    const dead = d.onPoll('A', false, 500, 'ECONNREFUSED');
    assert.deepEqual(
      dead.map((e) => [e.event, e.data.balancer, e.data.misses, e.data.silentMs, e.data.error]),
      [['balancer-dead', 'A', 3, 300, 'ECONNREFUSED']],
    );
    assert.deepEqual(d.onPoll('A', false, 600), [], 'dead once');
    assert.equal(d.health('A'), 'dead');
    assert.equal(d.allKnown(), false, 'B never answered yet');
    for (const t of [0, 1, 2]) d.onPoll('B', false, t);
    assert.equal(d.allKnown(), true, 'a balancer that never answers becomes dead, so recovery is not blocked forever');
    assert.deepEqual(
      d.onPoll('A', true, 900).map((e) => [e.event, e.data.downMs]),
      [['balancer-alive', 400]],
    );
  });

  it('a balancer never seen alive needs the startup misses to be dead (it may still be starting)', () => {
    const d = new FailureDetector(['A'], 3, 5);
    for (const t of [0, 1, 2, 3]) assert.deepEqual(d.onPoll('A', false, t, 'ECONNREFUSED'), []);
    assert.equal(d.health('A'), 'unknown');
    assert.deepEqual(
      d.onPoll('A', false, 4).map((e) => e.event),
      ['balancer-dead'],
    );
    d.onPoll('A', true, 5);
    for (const t of [6, 7]) d.onPoll('A', false, t);
    assert.deepEqual(
      d.onPoll('A', false, 8).map((e) => e.event),
      ['balancer-dead'],
      'once seen, the normal miss count applies',
    );
  });
});
