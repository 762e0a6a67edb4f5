import { strict as assert } from 'node:assert';
import { copyReadDue } from '../../../../src/daemons/nat-lb/balancer/copy-push.js';

describe('nat-balancer copy push: when to list conntrack', () => {
  const base = { now: 10_000, lastRead: 9_750, count: 5, countAtRead: 5, countAtTick: 5, retryAt: 0, msSinceStep: 60_000 };
  it('lists nothing while the entry count stands still (a balancer that only carries data spawns nothing)', () => {
    assert.equal(copyReadDue(base), false);
  });
  it('lists once the count moved and then held still for a tick; not while it is still moving, unless for 1 s', () => {
    assert.equal(copyReadDue({ ...base, count: 6, countAtTick: 5 }), false, 'still moving');
    assert.equal(copyReadDue({ ...base, count: 6, countAtTick: 6 }), true, 'settled');
    assert.equal(copyReadDue({ ...base, count: 9, countAtTick: 8, lastRead: 8_900 }), true, 'churning for over 1 s');
  });
  it('lists every 5 s whatever the count (state changes), and when the count cannot be read', () => {
    assert.equal(copyReadDue({ ...base, lastRead: 4_999 }), true);
    assert.equal(copyReadDue({ ...base, count: undefined, countAtTick: undefined, lastRead: 8_999 }), true);
  });
  it('waits while a step 3 runs here, and after a refusing store until its pause is over', () => {
    assert.equal(copyReadDue({ ...base, count: 6, countAtTick: 6, msSinceStep: 200 }), false);
    assert.equal(copyReadDue({ ...base, count: 6, countAtTick: 6, msSinceStep: 200, lastRead: 4_000 }), true, 'not for longer than 5 s');
    assert.equal(copyReadDue({ ...base, retryAt: 10_500 }), false);
    assert.equal(copyReadDue({ ...base, retryAt: 9_900 }), true, 'retry due');
  });
});
