import { strict as assert } from 'node:assert';
import { parseBalancerConfig } from '../../../../src/daemons/nat-lb/balancer/balancer-config.js';
import { balancerStatus } from '../../../../src/daemons/nat-lb/balancer/balancer-status.js';
import { balancerStatusSchema, type AccessRow } from '../../../../src/daemons/nat-lb/protocol.js';
import { BALANCER_YAML } from './balancer-fixtures.js';

const CONFIG = parseBalancerConfig(BALANCER_YAML, '/etc/lb1.yml');
const row = (vip: string, clientPort: number): AccessRow => ({
  clientIp: '198.18.20.1',
  clientPort,
  vip,
  vipPort: 80,
  serverIp: '198.18.21.11',
  serverPort: 80,
  protocol: 'tcp',
  delta: 0,
});

describe('nat-balancer status', () => {
  it('per VIP in the mode table: its counter (by its index in the config), packets held, rows; refusals and hold overflow in the counters', () => {
    const status = balancerStatus({
      config: CONFIG,
      modes: [
        ['198.18.20.103', { mode: 'migration' }],
        ['198.18.20.101', { mode: 'normal' }],
      ],
      reading: {
        counters: new Map([
          ['vip_0', { packets: 10, bytes: 1000 }],
          ['vip_1', { packets: 2, bytes: 120 }],
          ['refused_tcp', { packets: 3, bytes: 180 }],
        ]),
        rows: [row('198.18.20.101', 1), row('198.18.20.101', 2), row('198.18.20.103', 3)],
        drops: new Map([
          [101, 7],
          [100, 50],
        ]),
      },
      held: (q) => (q === 101 ? 4 : 0),
      boundQueues: [101],
      counters: { released: 1, holdOverflow: 5 },
    });
    assert.deepEqual(
      status,
      {
        node: 'lb1',
        nat: 'dnat',
        vips: [
          { vip: '198.18.20.103', mode: 'migration', bytes: 120, packets: 2, held: 4, rows: 1 },
          { vip: '198.18.20.101', mode: 'normal', bytes: 1000, packets: 10, held: 0, rows: 2 },
        ],
        counters: { released: 1, refusedTcp: 3, refusedOther: 0, refusedUnknownVip: 0, refusedServer: 0, holdOverflow: 12 },
      },
      "only the bound queue's kernel drops are added to what unbinding kept",
    );
    balancerStatusSchema.parse(status);
  });
});
