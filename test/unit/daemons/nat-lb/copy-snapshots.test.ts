import { strict as assert } from 'node:assert';
import { rowOf } from '../../../../src/daemons/shared/conntrack-rows.js';
import { SnapshotTracker } from '../../../../src/daemons/nat-lb/balancer/copy-snapshots.js';
import { conntrackEntry } from './balancer-fixtures.js';

const entry = conntrackEntry;
const DNAT = entry();

describe('nat-balancer copy-store snapshots', () => {
  const row = (clientPort: number, serverIp = '198.18.21.11', state = 'ESTABLISHED') => ({ ...rowOf(DNAT)!, clientPort, serverIp, state });
  it('pushes per (server, VIP) only what changed, then an empty snapshot once when rows go', () => {
    const t = new SnapshotTracker();
    const first = t.changed([row(1), row(2), row(3, '198.18.21.12')]);
    assert.deepEqual(first.map((s) => `${s.server} ${s.rows.length}`).sort(), ['198.18.21.11 2', '198.18.21.12 1']);
    first.forEach((s) => t.acknowledge(s));
    assert.deepEqual(t.changed([row(2), row(1), row(3, '198.18.21.12')]), [], 'same rows in another order');
    const closed = t.changed([row(1, '198.18.21.11', 'TIME_WAIT'), row(2)]);
    assert.deepEqual(
      closed.map((s) => `${s.server} ${s.rows.length}`),
      ['198.18.21.11 2', '198.18.21.12 0'],
    );
    closed.forEach((s) => t.acknowledge(s));
    assert.deepEqual(t.changed([row(1, '198.18.21.11', 'TIME_WAIT'), row(2)]), []);
  });
  it('keeps pushing a snapshot the store has not acknowledged', () => {
    const t = new SnapshotTracker();
    assert.equal(t.changed([row(1)]).length, 1);
    assert.equal(t.changed([row(1)]).length, 1);
  });
});
