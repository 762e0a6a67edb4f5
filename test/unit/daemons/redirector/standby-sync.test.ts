import { strict as assert } from 'node:assert';
import { rowKey, type AccessRow } from '../../../../src/daemons/shared/conntrack-rows.js';
import { afterSync, planSync } from '../../../../src/daemons/redirector/front/standby-sync.js';

const row = (clientPort: number, serverIp = '198.18.31.11', state = 'ESTABLISHED'): AccessRow => ({
  clientIp: '198.18.30.1',
  clientPort,
  vip: '198.18.30.100',
  vipPort: 8080,
  serverIp,
  serverPort: 8080,
  protocol: 'tcp',
  state,
  delta: 0,
});
const byKey = (rows: AccessRow[]) => new Map(rows.map((r) => [rowKey(r), r]));

describe("redirector: the standby's copy of the active's connections", () => {
  it('copies what is new on the active and deletes copies the active no longer has', () => {
    const plan = planSync(byKey([row(1000), row(1001)]), [row(1001), row(1002)]);
    assert.deepEqual(plan.create, [row(1002)]);
    assert.deepEqual(plan.remove, [row(1000)]);
  });

  it('a connection bound to another back end than its copy is deleted, then created again', () => {
    const plan = planSync(byKey([row(1000, '198.18.31.11')]), [row(1000, '198.18.31.12')]);
    assert.deepEqual(plan.remove, [row(1000, '198.18.31.11')]);
    assert.deepEqual(plan.create, [row(1000, '198.18.31.12')]);
  });

  it('a state change alone is the kernel’s to follow: nothing to do', () => {
    const plan = planSync(byKey([row(1000, '198.18.31.11', 'ESTABLISHED')]), [row(1000, '198.18.31.11', 'FIN_WAIT')]);
    assert.deepEqual(plan, { create: [], remove: [] });
  });

  it('a row listed twice by the active is copied once', () => {
    assert.deepEqual(planSync(new Map(), [row(1000), row(1000)]).create, [row(1000)]);
  });

  it('an active with nothing left empties the copies; afterSync keeps the books', () => {
    const copies = byKey([row(1000), row(1001)]);
    const plan = planSync(copies, []);
    assert.equal(plan.remove.length, 2);
    assert.equal(afterSync(copies, plan.remove, plan.create).size, 0);
    const grown = afterSync(new Map(), [], [row(7)]);
    assert.deepEqual([...grown.values()], [row(7)]);
    assert.equal(copies.size, 2, 'the copies given are not changed');
  });
});
