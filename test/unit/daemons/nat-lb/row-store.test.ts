import { strict as assert } from 'node:assert';
import { RowStore } from '../../../../src/daemons/nat-lb/copy-store/row-store.js';
import type { AccessRow } from '../../../../src/daemons/nat-lb/protocol.js';

const row = (clientPort: number, extra: Partial<AccessRow> = {}): AccessRow => ({
  clientIp: '198.18.0.5',
  clientPort,
  vip: '198.18.7.1',
  vipPort: 80,
  serverIp: '198.18.1.10',
  serverPort: 80,
  protocol: 'tcp',
  delta: 0,
  ...extra,
});

describe('nat-lb copy store: row store', () => {
  it('replaces a balancer snapshot, merges balancers, newer snapshot wins per connection', () => {
    const s = new RowStore();
    s.put('lb-a', '198.18.7.1', [row(1000), row(1001)], 0);
    s.put('lb-a', '198.18.7.1', [row(1001), row(1002)], 10);
    assert.deepEqual(
      s
        .rowsFor('198.18.7.1', 20)
        .map((r) => r.clientPort)
        .sort(),
      [1001, 1002],
    );
    s.put('lb-b', '198.18.7.1', [row(1002, { state: 'FIN_WAIT' }), row(1003)], 30);
    const merged = s.rowsFor('198.18.7.1', 40);
    assert.deepEqual(merged.map((r) => r.clientPort).sort(), [1001, 1002, 1003]);
    assert.equal(merged.find((r) => r.clientPort === 1002)!.state, 'FIN_WAIT');
    assert.deepEqual(s.rowsFor('198.18.7.2', 40), []);
    s.put('lb-a', '198.18.7.1', [], 50);
    assert.deepEqual(
      s
        .rowsFor('198.18.7.1', 60)
        .map((r) => r.clientPort)
        .sort(),
      [1002, 1003],
    );
  });
  it('leaves expired snapshots out of reads but shows them in status', () => {
    const s = new RowStore({ maxAgeMs: 100 });
    s.put('lb-a', '198.18.7.1', [row(1000)], 0);
    s.put('lb-b', '198.18.7.1', [row(1001)], 150);
    assert.deepEqual(
      s.rowsFor('198.18.7.1', 200).map((r) => r.clientPort),
      [1001],
    );
    assert.deepEqual(
      s.status(200).map((x) => [x.balancer, x.expired]),
      [
        ['lb-a', true],
        ['lb-b', false],
      ],
    );
  });
});
